import { asc, desc, inArray } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { kioskDevices } from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import { KIOSK_MANAGER_ROLES, type KioskDevice, toKioskDevice } from './kiosk-device.ts';
import { kioskScope } from './kiosk-scope.ts';

/**
 * The registered kiosks the actor manages, active ones first, then by label: every one for admins and
 * the street office, their own communities' for a secretary.
 */
export async function listKioskDevices(ctx: Ctx): Promise<KioskDevice[]> {
  requireRole(ctx, KIOSK_MANAGER_ROLES);
  const scope = await kioskScope(ctx);
  if (scope !== 'all' && scope.length === 0) return [];
  const rows = await ctx.db
    .select()
    .from(kioskDevices)
    .where(scope === 'all' ? undefined : inArray(kioskDevices.communityId, [...scope]))
    .orderBy(desc(kioskDevices.active), asc(kioskDevices.label), asc(kioskDevices.createdAt));
  return rows.map(toKioskDevice);
}
