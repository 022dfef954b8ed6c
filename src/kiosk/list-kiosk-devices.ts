import { asc, desc } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { kioskDevices } from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import { KIOSK_MANAGER_ROLES, type KioskDevice, toKioskDevice } from './kiosk-device.ts';

/** Every registered kiosk, active ones first, then by label (admins and community secretaries). */
export async function listKioskDevices(ctx: Ctx): Promise<KioskDevice[]> {
  requireRole(ctx, KIOSK_MANAGER_ROLES);
  const rows = await ctx.db
    .select()
    .from(kioskDevices)
    .orderBy(desc(kioskDevices.active), asc(kioskDevices.label), asc(kioskDevices.createdAt));
  return rows.map(toKioskDevice);
}
