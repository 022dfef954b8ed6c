/**
 * Which kiosks a staff member may see and manage. A secretary whose account lists communities works
 * with those communities' screens only; a screen tied to no community serves the whole street and is
 * the street office's (staff with no communities listed), as is every screen for them.
 */
import { ServiceError } from '../core/errors.ts';
import { type CommunityScope, communityScope } from '../deliberation/deliberation-scope.ts';

export { communityScope as kioskScope };

export function kioskInScope(scope: CommunityScope, communityId: string | null): boolean {
  return scope === 'all' || (communityId !== null && scope.includes(communityId));
}

/** Refuses work on a kiosk outside the actor's communities. */
export function assertKioskInScope(scope: CommunityScope, communityId: string | null): void {
  if (!kioskInScope(scope, communityId)) throw new ServiceError('forbidden', 'kiosk:errors.otherCommunity');
}

/** The reason a scoped secretary may not place a kiosk where the form says, or undefined if they may. */
export function kioskPlacementProblem(
  scope: CommunityScope,
  communityId: string | undefined,
): 'kiosk:register.communityRequired' | 'kiosk:register.otherCommunity' | undefined {
  if (scope === 'all') return undefined;
  if (communityId === undefined) return 'kiosk:register.communityRequired';
  return scope.includes(communityId) ? undefined : 'kiosk:register.otherCommunity';
}
