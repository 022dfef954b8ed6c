import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { communities, kioskDevices } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import {
  hashKioskToken,
  invalidKioskInput,
  KIOSK_MANAGER_ROLES,
  type KioskDevice,
  looksLikeUuid,
  newKioskToken,
  toKioskDevice,
} from './kiosk-device.ts';
import { kioskPlacementProblem, kioskScope } from './kiosk-scope.ts';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: 'kiosk:errors.tooLong' })
    .optional()
    .transform((v) => (v ? v : undefined));

export const registerKioskDeviceInput = z.object({
  label: z
    .string({ error: 'kiosk:register.labelRequired' })
    .trim()
    .min(1, { error: 'kiosk:register.labelRequired' })
    .max(100, { error: 'kiosk:errors.tooLong' }),
  /** Where the screen stands, as residents would say it; Simplified Chinese is required, the rest fall back to it. */
  location: z.object({
    'zh-CN': z
      .string({ error: 'kiosk:register.locationRequired' })
      .trim()
      .min(1, { error: 'kiosk:register.locationRequired' })
      .max(200, { error: 'kiosk:errors.tooLong' }),
    'zh-HK': optionalText(200),
    en: optionalText(200),
  }),
  communityId: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined)),
});
export type RegisterKioskDeviceInput = z.input<typeof registerKioskDeviceInput>;

export interface RegisteredKioskDevice {
  device: KioskDevice;
  /** The secret the screen proves itself with. Shown once; only its hash is kept. */
  token: string;
}

/**
 * Registers a community kiosk (admins and community secretaries; a secretary only in their own
 * communities) and returns its secret token, the only time it is ever available: the database keeps
 * its hash alone.
 */
export async function registerKioskDevice(
  ctx: Ctx,
  input: RegisterKioskDeviceInput,
): Promise<RegisteredKioskDevice> {
  requireRole(ctx, KIOSK_MANAGER_ROLES);
  const parsed = registerKioskDeviceInput.safeParse(input);
  if (!parsed.success) throw invalidKioskInput(parsed.error);
  const { label, location, communityId } = parsed.data;

  const placement = kioskPlacementProblem(await kioskScope(ctx), communityId);
  if (placement) {
    throw new ServiceError('validation_failed', 'kiosk:errors.validation', {
      fields: [{ field: 'communityId', key: placement }],
    });
  }
  if (communityId !== undefined) {
    const [community] = looksLikeUuid(communityId)
      ? await ctx.db
          .select({ id: communities.id })
          .from(communities)
          .where(eq(communities.id, communityId))
          .limit(1)
      : [];
    if (!community) {
      throw new ServiceError('validation_failed', 'kiosk:errors.validation', {
        fields: [{ field: 'communityId', key: 'kiosk:register.unknownCommunity' }],
      });
    }
  }

  const token = newKioskToken();
  const cleanLocation = Object.fromEntries(Object.entries(location).filter(([, v]) => v !== undefined));
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(kioskDevices)
      .values({
        label,
        location: cleanLocation,
        communityId: communityId ?? null,
        tokenHash: hashKioskToken(token),
        createdAt: ctx.clock.now(),
      })
      .returning();
    if (!row) throw new Error('insert into kiosk_devices returned no row');
    await appendAudit(withDb(ctx, tx), {
      action: 'kiosk.registered',
      subjectType: 'kiosk_device',
      subjectId: row.id,
      data: { label, location: cleanLocation, communityId: communityId ?? null },
    });
    return { device: toKioskDevice(row), token };
  });
}
