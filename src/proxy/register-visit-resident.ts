import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import {
  type AccessibilityNeed,
  communities,
  LOCALES,
  PROXY_REASONS,
  type ProxyReason,
  residents,
} from '../db/schema.ts';
import { normalisePhone } from '../residents/normalise-phone.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireProxyWriter } from './proxy-actor.ts';
import { fieldProblem, invalidProxyInput } from './proxy-input.ts';

export const registerVisitResidentInput = z.object({
  name: z
    .string({ error: 'proxy:errors.nameRequired' })
    .trim()
    .min(1, { error: 'proxy:errors.nameRequired' })
    .max(60, { error: 'proxy:errors.tooLong' }),
  phone: z.string().trim().max(40).optional(),
  communityId: z.uuid({ error: 'proxy:errors.communityRequired' }),
  locale: z.enum(LOCALES, { error: 'proxy:errors.localeRequired' }),
  /** Why they need a proxy: also what the outreach engine should know about reaching them. */
  reason: z.enum(PROXY_REASONS).optional(),
});
export type RegisterVisitResidentInput = z.input<typeof registerVisitResidentInput>;

const NEEDS_BY_REASON: Partial<Record<ProxyReason, AccessibilityNeed>> = {
  cannot_read_write: 'cannot_read',
  visual: 'blind_low_vision',
  hearing: 'deaf_hard_of_hearing',
  mobility: 'motor',
};

/**
 * Registers a resident met on a home visit with the least data that serves them: a name, their
 * community and language, a phone number only if they have one and want it used (encrypted and
 * blind-indexed like every number). A number already on file is a conflict naming that resident.
 * Audited (without the number).
 */
export async function registerVisitResident(
  ctx: Ctx,
  input: RegisterVisitResidentInput,
): Promise<{ id: string }> {
  requireProxyWriter(ctx);
  const parsed = registerVisitResidentInput.safeParse(input);
  if (!parsed.success) throw invalidProxyInput(parsed.error);
  const data = parsed.data;
  let e164: string | undefined;
  if (data.phone) {
    e164 = normalisePhone(data.phone);
    if (!e164) throw fieldProblem('phone', 'proxy:errors.phoneInvalid');
  }
  return ctx.db.transaction(async (db) => {
    const tx = withDb(ctx, db);
    const [community] = await tx.db
      .select({ id: communities.id })
      .from(communities)
      .where(eq(communities.id, data.communityId));
    if (!community) throw fieldProblem('communityId', 'proxy:errors.communityRequired');
    const phoneHash = e164 ? tx.pii.phoneHash(e164) : undefined;
    if (phoneHash) {
      const [existing] = await tx.db
        .select({ id: residents.id })
        .from(residents)
        .where(eq(residents.phoneHash, phoneHash));
      if (existing) {
        throw new ServiceError('conflict', 'proxy:errors.phoneKnown', {
          params: { residentId: existing.id },
          fields: [{ field: 'phone', key: 'proxy:errors.phoneKnown' }],
        });
      }
    }
    const need = data.reason ? NEEDS_BY_REASON[data.reason] : undefined;
    const now = tx.clock.now();
    const [row] = await tx.db
      .insert(residents)
      .values({
        name: data.name,
        phoneHash: phoneHash ?? null,
        phoneCipher: e164 ? tx.pii.encryptPhone(e164) : null,
        communityId: community.id,
        preferredLocale: data.locale,
        // Without a phone, the way to reach them is the visit itself.
        preferredChannel: e164 ? 'sms' : 'visit',
        accessibilityNeeds: need ? [need] : [],
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: residents.phoneHash })
      .returning({ id: residents.id });
    if (!row) throw fieldProblem('phone', 'proxy:errors.phoneKnown', {}, 'conflict');
    await appendAudit(tx, {
      action: 'proxy.resident_registered',
      subjectType: 'resident',
      subjectId: row.id,
      data: {
        communityId: community.id,
        locale: data.locale,
        hasPhone: e164 !== undefined,
        need: need ?? null,
      },
    });
    return { id: row.id };
  });
}
