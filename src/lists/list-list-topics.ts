import { asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { type LocalizedText, responsibilityItems, type TopicStatus, topics } from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import { timeZoneField } from '../topics/topic-input.ts';
import { localDate } from '../topics/working-days.ts';
import { itemTiming } from './item-timing.ts';
import { LISTS_VIEWER_ROLES } from './lists-roles.ts';
import { parseListsInput } from './parse-lists-input.ts';

/** Topics whose result is published: from here on the three lists carry them. */
export const LISTED_TOPIC_STATUSES: readonly TopicStatus[] = [
  'result_published',
  'implementing',
  'evaluating',
  'closed',
];

export const listListTopicsInput = z.object({ timeZone: timeZoneField });

export interface ListTopic {
  id: string;
  code: string;
  title: LocalizedText;
  status: TopicStatus;
  items: number;
  completed: number;
  overdue: number;
}

/** Topics with a published result and how far their responsibility lists have got. */
export async function listListTopics(
  ctx: Ctx,
  input: z.input<typeof listListTopicsInput> = {},
): Promise<{ today: string; topics: ListTopic[] }> {
  requireRole(ctx, LISTS_VIEWER_ROLES);
  const { timeZone } = parseListsInput(listListTopicsInput, input);
  const today = localDate(ctx.clock.now(), timeZone);
  const found = await ctx.db
    .select({ id: topics.id, code: topics.code, title: topics.title, status: topics.status })
    .from(topics)
    .where(inArray(topics.status, [...LISTED_TOPIC_STATUSES]))
    .orderBy(asc(topics.number));
  if (found.length === 0) return { today, topics: [] };
  const items = await ctx.db
    .select({
      topicId: responsibilityItems.topicId,
      status: responsibilityItems.status,
      dueOn: responsibilityItems.dueOn,
      completedOn: responsibilityItems.completedOn,
    })
    .from(responsibilityItems)
    .innerJoin(topics, eq(topics.id, responsibilityItems.topicId))
    .where(inArray(topics.status, [...LISTED_TOPIC_STATUSES]));
  return {
    today,
    topics: found.map((t) => {
      const mine = items.filter((i) => i.topicId === t.id);
      return {
        ...t,
        items: mine.length,
        completed: mine.filter((i) => i.status === 'completed').length,
        overdue: mine.filter((i) => itemTiming(i, today).state === 'overdue').length,
      };
    }),
  };
}
