import { randomInt, randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { type DeliveryStatus, LOCALES, phoneVerifications } from '../db/schema.ts';
import type { I18n } from '../i18n/i18n.ts';
import { queueOutboundMessage } from '../outreach/queue-outbound-message.ts';
import type { Senders } from '../outreach/sender.ts';
import { findOrCreateResidentByPhone } from './find-or-create-resident-by-phone.ts';
import { normalisePhone } from './normalise-phone.ts';

/** A code works for ten minutes. */
export const VERIFICATION_CODE_TTL_MS = 10 * 60_000;
/** Wrong guesses allowed per code before a new code is needed. */
export const MAX_CODE_ATTEMPTS = 5;
/** Codes sent to one number within an hour, so the form cannot be used to flood someone's phone. */
export const MAX_CODES_PER_PHONE_PER_HOUR = 3;
const HOUR_MS = 60 * 60_000;

export const startPhoneVerificationInput = z.union([
  z.object({ phone: z.string().trim().max(40), locale: z.enum(LOCALES) }),
  /** A new code for the number of an earlier verification ("send me another code"). */
  z.object({ resendFor: z.uuid(), locale: z.enum(LOCALES) }),
]);
export type StartPhoneVerificationInput = z.input<typeof startPhoneVerificationInput>;

export interface PhoneVerificationStarted {
  verificationId: string;
  expiresAt: Date;
  /** The outbox row carrying the code (held in the local outbox when no SMS provider is configured). */
  deliveryId: string;
  deliveryStatus: DeliveryStatus;
}

/** The keyed hash stored for a code; bound to its verification so equal codes never hash alike. */
export function verificationCodeHash(ctx: Pick<Ctx, 'pii'>, verificationId: string, code: string): string {
  return ctx.pii.opaqueHash(`phone-code:${verificationId}:${code}`);
}

function phoneProblem(key: string, params: Record<string, string | number> = {}) {
  return { fields: [{ field: 'phone', key, params }], params };
}

/**
 * Sends a six-digit one-time code by SMS to prove a resident holds a number before it is linked to
 * anything. Stores only the code's keyed hash and the number's ciphertext and blind index; at most
 * three codes per number per hour; a new code makes earlier unused ones void. The message goes
 * through the outbox like every other; for an opted-out number nothing is stored and `opted_out` is
 * thrown.
 */
export async function startPhoneVerification(
  ctx: Ctx,
  input: StartPhoneVerificationInput,
  deps: { senders: Senders | undefined; i18n: I18n },
): Promise<PhoneVerificationStarted> {
  const parsed = startPhoneVerificationInput.safeParse(input);
  if (!parsed.success) {
    throw new ServiceError(
      'validation_failed',
      'site:verification.invalidPhone',
      phoneProblem('site:verification.invalidPhone'),
    );
  }
  const data = parsed.data;
  const now = ctx.clock.now();

  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx);
    let e164: string | undefined;
    if ('phone' in data) {
      e164 = normalisePhone(data.phone);
    } else {
      const [previous] = await tx
        .select({ phoneCipher: phoneVerifications.phoneCipher })
        .from(phoneVerifications)
        .where(eq(phoneVerifications.id, data.resendFor));
      if (!previous) {
        throw new ServiceError('not_found', 'site:verification.notFound', {
          fields: [{ field: 'code', key: 'site:verification.notFound' }],
        });
      }
      e164 = ctx.pii.decryptPhone(previous.phoneCipher);
    }
    if (!e164) {
      throw new ServiceError(
        'validation_failed',
        'site:verification.invalidPhone',
        phoneProblem('site:verification.invalidPhone'),
      );
    }
    const phoneHash = ctx.pii.phoneHash(e164);
    // Serialises requests for one number so that the hourly limit holds under concurrency.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`phone-verification:${phoneHash}`}))`);

    const recent = await tx
      .select({ createdAt: phoneVerifications.createdAt })
      .from(phoneVerifications)
      .where(
        and(
          eq(phoneVerifications.phoneHash, phoneHash),
          gt(phoneVerifications.createdAt, new Date(now.getTime() - HOUR_MS)),
        ),
      )
      .orderBy(phoneVerifications.createdAt);
    if (recent.length >= MAX_CODES_PER_PHONE_PER_HOUR) {
      const oldest = recent[0]?.createdAt ?? now;
      const retryAfterSeconds = Math.max(60, Math.ceil((oldest.getTime() + HOUR_MS - now.getTime()) / 1000));
      const params = { minutes: Math.ceil(retryAfterSeconds / 60), retryAfterSeconds };
      throw new ServiceError('rate_limited', 'site:verification.tooManyCodes', {
        params,
        fields: [{ field: 'phone', key: 'site:verification.tooManyCodes', params }],
      });
    }

    const found = await findOrCreateResidentByPhone(txCtx, { phone: e164, preferredLocale: data.locale });
    if (!found) throw new Error('a normalised phone number was not accepted');

    // Only the newest code works: one sent earlier and not used yet is void from now on.
    await tx
      .update(phoneVerifications)
      .set({ expiresAt: now })
      .where(
        and(
          eq(phoneVerifications.phoneHash, phoneHash),
          isNull(phoneVerifications.verifiedAt),
          gt(phoneVerifications.expiresAt, now),
        ),
      );

    const verificationId = randomUUID();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(now.getTime() + VERIFICATION_CODE_TTL_MS);
    await tx.insert(phoneVerifications).values({
      id: verificationId,
      phoneHash,
      phoneCipher: ctx.pii.encryptPhone(e164),
      codeHash: verificationCodeHash(ctx, verificationId, code),
      expiresAt,
      createdAt: now,
    });

    const t = deps.i18n.forLocale(data.locale);
    const delivery = await queueOutboundMessage(
      txCtx,
      {
        channel: 'sms',
        residentId: found.resident.id,
        locale: data.locale,
        body: t('site:verification.sms', { code, minutes: VERIFICATION_CODE_TTL_MS / 60_000 }),
        purpose: `phone-verification:${verificationId}`,
      },
      deps.senders,
    );
    if (delivery.status === 'failed' && delivery.error === 'opted_out') {
      throw new ServiceError(
        'opted_out',
        'site:verification.optedOut',
        phoneProblem('site:verification.optedOut'),
      );
    }
    ctx.log.info({ verificationId, deliveryId: delivery.id }, 'phone verification code queued');
    return { verificationId, expiresAt, deliveryId: delivery.id, deliveryStatus: delivery.status };
  });
}
