import type { Ctx } from '../core/context.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { type AuthenticateKioskDeviceInput, authenticateKioskDevice } from './authenticate-kiosk-device.ts';
import type { KioskDevice } from './kiosk-device.ts';

/**
 * Binds a screen to its registration: checks the token as `authenticateKioskDevice` does and records
 * in the audit log that the token was entered on a screen, so a token used twice is visible.
 */
export async function activateKioskDevice(
  ctx: Ctx,
  input: AuthenticateKioskDeviceInput & { deviceId: string },
): Promise<KioskDevice> {
  const device = await authenticateKioskDevice(ctx, input);
  await appendAudit(ctx, {
    action: 'kiosk.activated',
    subjectType: 'kiosk_device',
    subjectId: device.id,
    data: { label: device.label },
  });
  return device;
}
