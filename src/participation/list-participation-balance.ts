import { and, asc, notInArray, type SQL, sql } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { type TopicStatus, topics } from '../db/schema.ts';
import { communityScope } from '../deliberation/deliberation-scope.ts';
import { requireRole } from '../staff/require-role.ts';
import { assessBalance, type TopicBalance } from './assess-balance.ts';
import { BALANCE_VIEWER_ROLES } from './balance-roles.ts';

/** Topics whose balance is no longer worth watching: nothing more will be heard on them. */
export const SETTLED_STATUSES: readonly TopicStatus[] = ['closed', 'rejected'];

/** Balance of every topic still open to being heard in the actor's communities, alerts first. */
export async function listParticipationBalance(ctx: Ctx): Promise<TopicBalance[]> {
  requireRole(ctx, BALANCE_VIEWER_ROLES);
  const scope = await communityScope(ctx);
  const conditions: SQL[] = [notInArray(topics.status, [...SETTLED_STATUSES])];
  if (scope !== 'all') {
    conditions.push(
      sql`(${topics.communityId} is null or ${topics.communityId} = any(${sql.param([...scope])}::uuid[]))`,
    );
  }
  const rows = await ctx.db
    .select({ id: topics.id })
    .from(topics)
    .where(and(...conditions))
    .orderBy(asc(topics.number));
  const balances = await assessBalance(
    ctx.db,
    rows.map((r) => r.id),
  );
  return [...balances].sort((a, b) => Number(b.alerts.length > 0) - Number(a.alerts.length > 0));
}
