import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { kioskDevices } from '../db/schema.ts';
import { hashKioskToken, type KioskDevice, toKioskDevice } from './kiosk-device.ts';

export const authenticateKioskDeviceInput = z.object({
  token: z.string().max(200),
  /** When the screen names the device it claims to be, the token must belong to that one. */
  deviceId: z.string().max(100).optional(),
});
export type AuthenticateKioskDeviceInput = z.input<typeof authenticateKioskDeviceInput>;

/** lastSeenAt is for staff ("is that screen still on?"); refreshing it at most once a minute spares a write per tap. */
const SEEN_GRANULARITY_MS = 60_000;

/**
 * The registered, active kiosk a token belongs to; `unauthenticated` for an unknown token, a token of
 * another device, or a deactivated device. Records when the device was last seen.
 */
export async function authenticateKioskDevice(
  ctx: Ctx,
  input: AuthenticateKioskDeviceInput,
): Promise<KioskDevice> {
  const parsed = authenticateKioskDeviceInput.safeParse(input);
  const refuse = (key: string) => new ServiceError('unauthenticated', key);
  if (!parsed.success || parsed.data.token.trim() === '') throw refuse('kiosk:errors.unknownDevice');
  const { token, deviceId } = parsed.data;
  const [row] = await ctx.db
    .select()
    .from(kioskDevices)
    .where(eq(kioskDevices.tokenHash, hashKioskToken(token)))
    .limit(1);
  if (!row || (deviceId !== undefined && deviceId !== row.id)) throw refuse('kiosk:errors.unknownDevice');
  if (!row.active) throw refuse('kiosk:errors.deviceInactive');

  const now = ctx.clock.now();
  if (!row.lastSeenAt || now.getTime() - row.lastSeenAt.getTime() >= SEEN_GRANULARITY_MS) {
    await ctx.db.update(kioskDevices).set({ lastSeenAt: now }).where(eq(kioskDevices.id, row.id));
    row.lastSeenAt = now;
  }
  return toKioskDevice(row);
}
