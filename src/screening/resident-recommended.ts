/**
 * Which topics count as recommended by residents (plan target: at least 60% of all topics).
 *
 * A topic is resident-recommended when its source is `resident_recommendation`. Screening sets that
 * source only when a topic is created from residents' own needs — a theme or a single need, whatever
 * channel carried it (SMS, phone, kiosk, website, or a proxy writer taking it down at home) — and links
 * those needs to it, so every such topic can show the residents behind it. Topics put forward in a
 * grid worker's visit report (`grid_visit`), a deputy's proposal (`deputy_proposal`) or picked up by staff
 * from online discussion (`online`) are the other sources and do not count.
 */
import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/database.ts';
import { type TopicSource, topics } from '../db/schema.ts';
import type { CommunityScope } from '../deliberation/deliberation-scope.ts';

export const RESIDENT_RECOMMENDED_SOURCES: readonly TopicSource[] = ['resident_recommendation'];

/** Plan target for the share of resident-recommended topics. */
export const RESIDENT_RECOMMENDED_TARGET = 0.6;

export function isResidentRecommended(source: TopicSource): boolean {
  return RESIDENT_RECOMMENDED_SOURCES.includes(source);
}

export interface ResidentRecommendedShare {
  topics: number;
  residentRecommended: number;
  /** Between 0 and 1; null when there are no topics. */
  share: number | null;
  target: number;
  bySource: Partial<Record<TopicSource, number>>;
}

/** The share over all topics (rejected ones included: they were put forward all the same). */
export async function residentRecommendedShare(
  db: DbOrTx,
  scope: CommunityScope,
  communityId?: string,
): Promise<ResidentRecommendedShare> {
  const conditions: (SQL | undefined)[] = [];
  if (communityId) conditions.push(eq(topics.communityId, communityId));
  if (scope !== 'all') {
    conditions.push(
      sql`(${topics.communityId} is null or ${topics.communityId} = any(${sql.param([...scope])}::uuid[]))`,
    );
  }
  const rows = await db
    .select({ source: topics.source, n: sql<number>`count(*)::int` })
    .from(topics)
    .where(and(...conditions))
    .groupBy(topics.source);
  const bySource = Object.fromEntries(rows.map((r) => [r.source, r.n])) as Partial<
    Record<TopicSource, number>
  >;
  const total = rows.reduce((sum, r) => sum + r.n, 0);
  const recommended = rows.filter((r) => isResidentRecommended(r.source)).reduce((sum, r) => sum + r.n, 0);
  return {
    topics: total,
    residentRecommended: recommended,
    share: total === 0 ? null : recommended / total,
    target: RESIDENT_RECOMMENDED_TARGET,
    bySource,
  };
}
