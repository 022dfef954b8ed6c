import { eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { topics } from '../db/schema.ts';
import { OPEN_FOR_OPINIONS } from '../pipeline/ingest.ts';
import type { OpenTopic } from './list-open-topics.ts';

/**
 * A topic by its number (T23 → 23), for callers who key in a code they were told, and whether it takes
 * opinions now.
 */
export async function findTopicByNumber(
  ctx: Ctx,
  number: number,
): Promise<{ topic: OpenTopic; open: boolean } | undefined> {
  if (!Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) return undefined;
  const [topic] = await ctx.db
    .select({
      id: topics.id,
      code: topics.code,
      number: topics.number,
      status: topics.status,
      title: topics.title,
      summary: topics.summary,
    })
    .from(topics)
    .where(eq(topics.number, number))
    .limit(1);
  return topic ? { topic, open: OPEN_FOR_OPINIONS.includes(topic.status) } : undefined;
}
