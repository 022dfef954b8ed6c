import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { CALLBACK_REASONS, LOCALES, residents, voiceCallbacks } from '../db/schema.ts';
import { normalisePhone } from '../residents/normalise-phone.ts';

export const bookCallbackInput = z.object({
  callSid: z.string().min(1).max(64),
  /** The caller's number as Twilio sent it (From); stored only encrypted. */
  phone: z.string().min(1).max(40),
  residentId: z.uuid().optional(),
  locale: z.enum(LOCALES),
  reason: z.enum(CALLBACK_REASONS),
});

export type BookCallbackResult =
  | { booked: true; callbackId: string; created: boolean }
  /** The number is withheld or not a phone number: nobody could ring it back. */
  | { booked: false };

/**
 * Asks for a person to ring the caller back, for staff to see in the console. One request per call:
 * asking again in the same call (or Twilio repeating a webhook) finds the first.
 */
export async function bookCallback(
  ctx: Ctx,
  input: z.input<typeof bookCallbackInput>,
): Promise<BookCallbackResult> {
  const parsed = bookCallbackInput.safeParse(input);
  if (!parsed.success) throw new ServiceError('validation_failed', 'voice:error.invalidCall');
  const i = parsed.data;
  const e164 = normalisePhone(i.phone);
  if (!e164) return { booked: false };
  const [resident] = i.residentId
    ? await ctx.db
        .select({ communityId: residents.communityId })
        .from(residents)
        .where(eq(residents.id, i.residentId))
        .limit(1)
    : [];
  const [inserted] = await ctx.db
    .insert(voiceCallbacks)
    .values({
      callSid: i.callSid,
      residentId: i.residentId ?? null,
      communityId: resident?.communityId ?? null,
      phoneCipher: ctx.pii.encryptPhone(e164),
      locale: i.locale,
      reason: i.reason,
      status: 'open',
      requestedAt: ctx.clock.now(),
    })
    .onConflictDoNothing({ target: voiceCallbacks.callSid })
    .returning({ id: voiceCallbacks.id });
  if (inserted) {
    ctx.log.info({ callbackId: inserted.id, reason: i.reason }, 'call-back booked');
    return { booked: true, callbackId: inserted.id, created: true };
  }
  const [existing] = await ctx.db
    .select({ id: voiceCallbacks.id })
    .from(voiceCallbacks)
    .where(eq(voiceCallbacks.callSid, i.callSid))
    .limit(1);
  if (!existing) throw new Error('call-back vanished after a call_sid conflict');
  return { booked: true, callbackId: existing.id, created: false };
}
