import { and, count, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { opinions, STANCES, type Stance } from '../db/schema.ts';
import { isUuid } from './topic-input.ts';

export type OpinionCounts = Record<Stance, number> & { total: number };

/**
 * How many opinions a topic has received, by stance, over every channel. A proxied opinion that a
 * correction replaced is kept for accountability but no longer counts: its successor does.
 */
export async function countTopicOpinions(ctx: Ctx, input: { topicId: string }): Promise<OpinionCounts> {
  const counts: OpinionCounts = { support: 0, oppose: 0, suggestion: 0, total: 0 };
  if (!isUuid(input.topicId)) return counts;
  const rows = await ctx.db
    .select({ stance: opinions.stance, n: count() })
    .from(opinions)
    .where(
      and(
        eq(opinions.topicId, input.topicId),
        sql`not exists (
          select 1 from proxy_records replaced
          join proxy_records correction on correction.supersedes_id = replaced.id
          where replaced.intake_id = ${opinions.intakeId}
        )`,
      ),
    )
    .groupBy(opinions.stance);
  for (const row of rows) {
    if ((STANCES as readonly string[]).includes(row.stance)) counts[row.stance] = row.n;
    counts.total += row.n;
  }
  return counts;
}
