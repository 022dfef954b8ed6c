import { count, eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { opinions, STANCES, type Stance } from '../db/schema.ts';
import { isUuid } from './topic-input.ts';

export type OpinionCounts = Record<Stance, number> & { total: number };

/** How many opinions a topic has received, by stance, over every channel. */
export async function countTopicOpinions(ctx: Ctx, input: { topicId: string }): Promise<OpinionCounts> {
  const counts: OpinionCounts = { support: 0, oppose: 0, suggestion: 0, total: 0 };
  if (!isUuid(input.topicId)) return counts;
  const rows = await ctx.db
    .select({ stance: opinions.stance, n: count() })
    .from(opinions)
    .where(eq(opinions.topicId, input.topicId))
    .groupBy(opinions.stance);
  for (const row of rows) {
    if ((STANCES as readonly string[]).includes(row.stance)) counts[row.stance] = row.n;
    counts.total += row.n;
  }
  return counts;
}
