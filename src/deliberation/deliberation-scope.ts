/**
 * The communities a staff member works in. A secretary sees and runs only their own communities'
 * needs, topics and meetings; staff with no communities listed, and the system, work everywhere.
 * Needs and topics without a community (street-wide) are visible to everyone allowed in.
 */
import { eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { staff } from '../db/schema.ts';

/** `all`, or the community ids the actor may work with. */
export type CommunityScope = 'all' | readonly string[];

export async function communityScope(ctx: Ctx): Promise<CommunityScope> {
  switch (ctx.actor.type) {
    case 'system':
      return 'all';
    case 'staff': {
      const [row] = await ctx.db
        .select({ communityIds: staff.communityIds })
        .from(staff)
        .where(eq(staff.id, ctx.actor.staffId))
        .limit(1);
      return row && row.communityIds.length > 0 ? row.communityIds : 'all';
    }
    case 'resident':
    case 'proxy':
      return [];
  }
}

/** Whether something in `communityId` (null: street-wide) is within the scope. */
export function inScope(scope: CommunityScope, communityId: string | null): boolean {
  return scope === 'all' || communityId === null || scope.includes(communityId);
}

/** Refuses work on something outside the actor's communities. */
export function assertInScope(scope: CommunityScope, communityId: string | null): void {
  if (!inScope(scope, communityId)) throw new ServiceError('forbidden', 'deliberation:errors.otherCommunity');
}
