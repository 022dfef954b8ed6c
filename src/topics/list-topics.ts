import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { TOPIC_STATUSES, topics } from '../db/schema.ts';
import { isUuid, parseTopicInput } from './topic-input.ts';
import type { Topic } from './topic-lifecycle.ts';

export const listTopicsInput = z.object({
  /** Only topics in one of these statuses; all statuses when absent. */
  statuses: z.array(z.enum(TOPIC_STATUSES)).optional(),
  communityId: z.string().optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  offset: z.number().int().min(0).optional(),
});
export type ListTopicsInput = z.input<typeof listTopicsInput>;

/** Topics in the order residents know them by (T1, T2, …), optionally filtered by status and community. */
export async function listTopics(ctx: Ctx, input: ListTopicsInput = {}): Promise<Topic[]> {
  const data = parseTopicInput(listTopicsInput, input);
  if (data.statuses?.length === 0) return [];
  if (data.communityId !== undefined && !isUuid(data.communityId)) return [];
  const conditions: SQL[] = [];
  if (data.statuses) conditions.push(inArray(topics.status, data.statuses));
  if (data.communityId !== undefined) conditions.push(eq(topics.communityId, data.communityId));
  const query = ctx.db
    .select()
    .from(topics)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(asc(topics.number))
    .$dynamic();
  if (data.limit !== undefined) query.limit(data.limit);
  if (data.offset !== undefined) query.offset(data.offset);
  return query;
}
