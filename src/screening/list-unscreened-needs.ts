/**
 * The needs waiting for screening: demands not yet linked to a topic and messages the pipeline could
 * not classify, neither of them decided on in screening yet.
 */
import { and, desc, eq, inArray, isNotNull, isNull, notExists, or, type SQL, sql } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import type { DbOrTx } from '../db/database.ts';
import { type Channel, demands, intakes, residents, screeningDecisions } from '../db/schema.ts';
import { type CommunityScope, communityScope } from '../deliberation/deliberation-scope.ts';
import { requireRole } from '../staff/require-role.ts';
import { isUuid } from '../topics/topic-input.ts';
import { MAX_NEEDS_PER_RUN } from './cluster-needs.ts';
import { SCREENING_VIEWER_ROLES } from './screening-roles.ts';

export type NeedKind = 'demand' | 'unclassified';

export interface Need {
  /** The intake's id: the same for a demand and the message it came from. */
  id: string;
  kind: NeedKind;
  text: string;
  location: string | null;
  channel: Channel;
  /** Written down by a proxy writer (at a home visit) for the resident. */
  proxied: boolean;
  residentId: string | null;
  communityId: string | null;
  gridId: string | null;
  receivedAt: Date;
}

const demandCommunity = sql<string | null>`coalesce(${demands.communityId}, ${residents.communityId})`;
const demandGrid = sql<string | null>`coalesce(${demands.gridId}, ${residents.gridId})`;

function scopeCondition(scope: CommunityScope, community: SQL, only?: string): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  if (only !== undefined) conditions.push(sql`${community} = ${only}`);
  if (scope !== 'all') {
    conditions.push(
      scope.length > 0
        ? or(sql`${community} is null`, sql`${community} = any(${sql.param([...scope])}::uuid[])`)
        : sql`${community} is null`,
    );
  }
  return and(...conditions);
}

const notDecided = (intakeId: SQL | typeof intakes.id | typeof demands.intakeId) =>
  notExists(sql`(select 1 from ${screeningDecisions} where ${screeningDecisions.intakeId} = ${intakeId})`);

/** Unscreened needs in scope (optionally one community), newest first, at most `limit`; and how many in all. */
export async function loadUnscreenedNeeds(
  db: DbOrTx,
  scope: CommunityScope,
  options: { communityId?: string | undefined; limit?: number; ids?: readonly string[] } = {},
): Promise<{ needs: Need[]; total: number }> {
  const limit = options.limit ?? MAX_NEEDS_PER_RUN;
  const only = options.communityId;
  const idFilter = options.ids ? options.ids.filter(isUuid) : undefined;
  if (idFilter && idFilter.length === 0) return { needs: [], total: 0 };
  const demandWhere = and(
    isNull(demands.topicId),
    notDecided(demands.intakeId),
    scopeCondition(scope, demandCommunity, only),
    idFilter ? inArray(demands.intakeId, idFilter) : undefined,
  );
  const messageCommunity = sql<string | null>`${residents.communityId}`;
  const messageWhere = and(
    eq(intakes.kind, 'unclassified'),
    isNotNull(intakes.text),
    sql`btrim(${intakes.text}) <> ''`,
    notDecided(intakes.id),
    scopeCondition(scope, messageCommunity, only),
    idFilter ? inArray(intakes.id, idFilter) : undefined,
  );
  const demandRows = await db
    .select({
      id: demands.intakeId,
      text: demands.text,
      location: demands.location,
      channel: demands.channel,
      proxied: sql<boolean>`${demands.proxyStaffId} is not null`,
      residentId: demands.residentId,
      communityId: demandCommunity,
      gridId: demandGrid,
      receivedAt: intakes.receivedAt,
    })
    .from(demands)
    .innerJoin(intakes, eq(intakes.id, demands.intakeId))
    .leftJoin(residents, eq(residents.id, demands.residentId))
    .where(demandWhere)
    .orderBy(desc(intakes.receivedAt), desc(intakes.id))
    .limit(limit);
  const messageRows = await db
    .select({
      id: intakes.id,
      text: sql<string>`${intakes.text}`,
      channel: intakes.channel,
      proxied: sql<boolean>`${intakes.proxyStaffId} is not null`,
      residentId: intakes.residentId,
      communityId: messageCommunity,
      gridId: sql<string | null>`${residents.gridId}`,
      receivedAt: intakes.receivedAt,
    })
    .from(intakes)
    .leftJoin(residents, eq(residents.id, intakes.residentId))
    .where(messageWhere)
    .orderBy(desc(intakes.receivedAt), desc(intakes.id))
    .limit(limit);
  const [demandCount] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(demands)
    .innerJoin(intakes, eq(intakes.id, demands.intakeId))
    .leftJoin(residents, eq(residents.id, demands.residentId))
    .where(demandWhere);
  const [messageCount] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(intakes)
    .leftJoin(residents, eq(residents.id, intakes.residentId))
    .where(messageWhere);
  const needs: Need[] = [
    ...demandRows.map((r) => ({ ...r, kind: 'demand' as const })),
    ...messageRows.map((r) => ({ ...r, kind: 'unclassified' as const, location: null })),
  ]
    // Oldest first, so that grouping (and its tie-breaks) follows the order needs arrived in.
    .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : 1))
    .slice(-limit);
  return { needs, total: (demandCount?.n ?? 0) + (messageCount?.n ?? 0) };
}

/** Unscreened needs the actor may see, for the screening pages. */
export async function listUnscreenedNeeds(
  ctx: Ctx,
  input: { communityId?: string | undefined } = {},
): Promise<{ needs: Need[]; total: number }> {
  requireRole(ctx, SCREENING_VIEWER_ROLES);
  const communityId = input.communityId && isUuid(input.communityId) ? input.communityId : undefined;
  return loadUnscreenedNeeds(ctx.db, await communityScope(ctx), { communityId });
}
