import type { Ctx } from '../core/context.ts';
import { type CommunitySummary, listCommunities } from '../places/list-communities.ts';
import { requireRole } from '../staff/require-role.ts';
import { KIOSK_MANAGER_ROLES } from './kiosk-device.ts';
import { kioskInScope, kioskScope } from './kiosk-scope.ts';

export interface KioskPlaces {
  /** The communities the actor may place a kiosk in, by code. */
  communities: CommunitySummary[];
  /** Whether the actor may also register a screen that serves the whole street. */
  streetWide: boolean;
}

/** Where the actor may register a kiosk: what the registration form offers. */
export async function listKioskCommunities(ctx: Ctx): Promise<KioskPlaces> {
  requireRole(ctx, KIOSK_MANAGER_ROLES);
  const scope = await kioskScope(ctx);
  const all = await listCommunities(ctx);
  return { communities: all.filter((c) => kioskInScope(scope, c.id)), streetWide: scope === 'all' };
}
