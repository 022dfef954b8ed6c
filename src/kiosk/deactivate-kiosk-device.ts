import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { kioskDevices } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { KIOSK_MANAGER_ROLES, type KioskDevice, looksLikeUuid, toKioskDevice } from './kiosk-device.ts';
import { assertKioskInScope, kioskScope } from './kiosk-scope.ts';

export const deactivateKioskDeviceInput = z.object({ deviceId: z.string() });

/**
 * Switches a kiosk off for good (admins, and community secretaries in their own communities): its
 * token stops working at once.
 * The row stays so that history keeps its label. Deactivating an inactive device changes nothing.
 */
export async function deactivateKioskDevice(
  ctx: Ctx,
  input: z.input<typeof deactivateKioskDeviceInput>,
): Promise<KioskDevice> {
  requireRole(ctx, KIOSK_MANAGER_ROLES);
  const { deviceId } = deactivateKioskDeviceInput.parse(input);
  const notFound = () =>
    new ServiceError('not_found', 'kiosk:errors.deviceNotFound', {
      fields: [{ field: 'deviceId', key: 'kiosk:errors.deviceNotFound' }],
    });
  if (!looksLikeUuid(deviceId)) throw notFound();
  const scope = await kioskScope(ctx);
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(kioskDevices).where(eq(kioskDevices.id, deviceId)).for('update');
    if (!current) throw notFound();
    assertKioskInScope(scope, current.communityId);
    if (!current.active) return toKioskDevice(current);
    const [row] = await tx
      .update(kioskDevices)
      .set({ active: false })
      .where(eq(kioskDevices.id, deviceId))
      .returning();
    if (!row) throw notFound();
    await appendAudit(withDb(ctx, tx), {
      action: 'kiosk.deactivated',
      subjectType: 'kiosk_device',
      subjectId: row.id,
      data: { label: row.label },
    });
    return toKioskDevice(row);
  });
}
