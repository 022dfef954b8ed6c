import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { phoneVerifications } from '../db/schema.ts';
import { findOrCreateResidentByPhone } from './find-or-create-resident-by-phone.ts';
import { MAX_CODE_ATTEMPTS, verificationCodeHash } from './start-phone-verification.ts';

export const confirmPhoneVerificationInput = z.object({
  verificationId: z.uuid(),
  code: z.string().max(40),
});
export type ConfirmPhoneVerificationInput = z.input<typeof confirmPhoneVerificationInput>;

export interface PhoneVerified {
  /** The resident holding the number, created on first contact. */
  residentId: string;
  /** Blind index of the verified number (for per-number limits). */
  phoneHash: string;
}

type Verdict =
  | { ok: true; phoneCipher: string; phoneHash: string }
  | { ok: false; key: string; code: 'validation_failed' | 'rate_limited' | 'not_found'; remaining?: number };

function codeProblem(verdict: Extract<Verdict, { ok: false }>): ServiceError {
  const params: Record<string, number> =
    verdict.remaining === undefined ? {} : { remaining: verdict.remaining };
  return new ServiceError(verdict.code, verdict.key, {
    params,
    fields: [{ field: 'code', key: verdict.key, params }],
  });
}

/**
 * Checks a one-time code. A wrong code uses up one of five attempts (kept even though an error is
 * thrown); after the fifth, or ten minutes after sending, only a new code helps. Confirming an
 * already confirmed code again succeeds, so a form sent twice gets the same answer.
 */
export async function confirmPhoneVerification(
  ctx: Ctx,
  input: ConfirmPhoneVerificationInput,
): Promise<PhoneVerified> {
  const parsed = confirmPhoneVerificationInput.safeParse(input);
  if (!parsed.success) throw codeProblem({ ok: false, code: 'not_found', key: 'site:verification.notFound' });
  const { verificationId } = parsed.data;
  const code = parsed.data.code.normalize('NFKC').replace(/[\s-]/g, '');
  if (code === '')
    throw codeProblem({ ok: false, code: 'validation_failed', key: 'site:verification.codeMissing' });
  if (!/^\d{6}$/.test(code)) {
    throw codeProblem({ ok: false, code: 'validation_failed', key: 'site:verification.codeFormat' });
  }
  const now = ctx.clock.now();

  // Decided in a transaction that always commits, so that a wrong guess is counted even though the
  // caller then gets an error.
  const verdict = await ctx.db.transaction(async (tx): Promise<Verdict> => {
    const [row] = await tx
      .select()
      .from(phoneVerifications)
      .where(eq(phoneVerifications.id, verificationId))
      .for('update');
    if (!row) return { ok: false, code: 'not_found', key: 'site:verification.notFound' };
    const matches = row.codeHash === verificationCodeHash(ctx, row.id, code);
    if (row.verifiedAt) {
      return matches
        ? { ok: true, phoneCipher: row.phoneCipher, phoneHash: row.phoneHash }
        : { ok: false, code: 'validation_failed', key: 'site:verification.codeUsed' };
    }
    if (row.attempts >= MAX_CODE_ATTEMPTS) {
      return { ok: false, code: 'rate_limited', key: 'site:verification.tooManyAttempts' };
    }
    if (row.expiresAt.getTime() <= now.getTime()) {
      return { ok: false, code: 'validation_failed', key: 'site:verification.expired' };
    }
    if (!matches) {
      await tx
        .update(phoneVerifications)
        .set({ attempts: sql`${phoneVerifications.attempts} + 1` })
        .where(eq(phoneVerifications.id, row.id));
      const remaining = MAX_CODE_ATTEMPTS - row.attempts - 1;
      return remaining <= 0
        ? { ok: false, code: 'rate_limited', key: 'site:verification.tooManyAttempts' }
        : { ok: false, code: 'validation_failed', key: 'site:verification.wrongCode', remaining };
    }
    await tx.update(phoneVerifications).set({ verifiedAt: now }).where(eq(phoneVerifications.id, row.id));
    return { ok: true, phoneCipher: row.phoneCipher, phoneHash: row.phoneHash };
  });
  if (!verdict.ok) throw codeProblem(verdict);

  const found = await ctx.db.transaction((tx) =>
    findOrCreateResidentByPhone(withDb(ctx, tx), { phone: ctx.pii.decryptPhone(verdict.phoneCipher) }),
  );
  if (!found) throw new Error('a verified phone number was not accepted');
  ctx.log.info({ verificationId, residentId: found.resident.id }, 'phone number verified');
  return { residentId: found.resident.id, phoneHash: verdict.phoneHash };
}
