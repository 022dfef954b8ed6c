import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { CALL_STATUSES, type CallStatus, type DeliveryStatus, deliveries, residents } from '../db/schema.ts';
import { applyProviderErrorCode } from '../outreach/provider-error-effects.ts';
import {
  type CallRetryPolicy,
  nextCallAt,
  RETRY_ERROR_OF_CALL_STATUS,
  type RetriedCallStatus,
} from './outbound-call-retry.ts';
import { CALL_SID } from './start-voice-call.ts';

/** Twilio's `AnsweredBy` values that mean nobody is listening live: the call leaves a message. */
export function answeredByMachine(answeredBy: string | undefined): boolean {
  return answeredBy !== undefined && (answeredBy.startsWith('machine') || answeredBy === 'fax');
}

/** Recorded as the delivery's note when a call reached an answering machine and left the message. */
export const VOICEMAIL_NOTE = 'voicemail';

/**
 * Error codes of a failed call that no later try can fix: the number is invalid or not allowed
 * (13223–13227, 21211, 21215–21217), or the resident opted out at the carrier (21610).
 */
export const PERMANENT_CALL_ERROR_CODES: ReadonlySet<string> = new Set([
  '13223',
  '13224',
  '13225',
  '13226',
  '13227',
  '21211',
  '21215',
  '21216',
  '21217',
  '21610',
]);

export const recordOutboundCallStatusInput = z.object({
  deliveryId: z.uuid(),
  /** The attempt the callback belongs to (from its URL); callbacks of other attempts change nothing. */
  attempt: z.number().int().min(1),
  callSid: z.string().regex(CALL_SID),
  callStatus: z.enum(CALL_STATUSES),
  answeredBy: z.string().trim().min(1).max(40).optional(),
  errorCode: z
    .string()
    .regex(/^\d{1,8}$/)
    .optional(),
});
export type RecordOutboundCallStatusInput = z.input<typeof recordOutboundCallStatusInput>;

export type RecordOutboundCallStatusOutcome =
  | { outcome: 'not_found' }
  /** A callback of an earlier (or later) attempt than the delivery's current one. */
  | { outcome: 'stale'; deliveryId: string; status: DeliveryStatus }
  /** Known call, but nothing to change (a repeated or late callback). */
  | { outcome: 'unchanged'; deliveryId: string; status: DeliveryStatus }
  | { outcome: 'progress'; deliveryId: string; status: DeliveryStatus }
  | { outcome: 'delivered'; deliveryId: string; voicemail: boolean }
  /** Unanswered: the delivery waits for another call at `retryAt`. */
  | { outcome: 'retry'; deliveryId: string; retryAt: Date; attempt: number }
  | { outcome: 'failed'; deliveryId: string; error: string };

const FINAL: ReadonlySet<CallStatus> = new Set(['completed', 'busy', 'no-answer', 'canceled', 'failed']);
const IN_FLIGHT: ReadonlySet<DeliveryStatus> = new Set(['sending', 'sent']);

function isRetried(status: CallStatus): status is RetriedCallStatus {
  return status in RETRY_ERROR_OF_CALL_STATUS;
}

/**
 * Records what Twilio reports about an outbound call, moving its delivery only forward: placed or
 * ringing → sent; completed → delivered (noting a voicemail); busy, no answer or failed to connect →
 * queued again for a call `retryAfterMs` later outside quiet hours, until `maxAttempts` calls were
 * made, then failed. Callbacks arrive out of order and may repeat: only the current attempt's change
 * anything, and only once: `delivered`, `retry` and `failed` are the one outcome of a call's end.
 */
export async function recordOutboundCallStatus(
  ctx: Ctx,
  input: RecordOutboundCallStatusInput,
  policy: CallRetryPolicy,
): Promise<RecordOutboundCallStatusOutcome> {
  const parsed = recordOutboundCallStatusInput.safeParse(input);
  if (!parsed.success) {
    throw new ServiceError('validation_failed', 'ops:errors.code.validation_failed', {
      fields: parsed.error.issues.map((issue) => ({
        field: issue.path.join('.') || 'input',
        key: 'ops:errors.code.validation_failed',
      })),
    });
  }
  const { deliveryId, attempt, callSid, callStatus, answeredBy, errorCode } = parsed.data;

  const run = async (tx: Ctx): Promise<RecordOutboundCallStatusOutcome> => {
    const [row] = await tx.db
      .select({
        id: deliveries.id,
        status: deliveries.status,
        attempts: deliveries.attempts,
        residentId: deliveries.residentId,
        channel: deliveries.channel,
        quietStartMinute: residents.quietStartMinute,
        quietEndMinute: residents.quietEndMinute,
        timeZone: residents.timeZone,
      })
      .from(deliveries)
      .innerJoin(residents, eq(residents.id, deliveries.residentId))
      .where(eq(deliveries.id, deliveryId))
      .limit(1)
      .for('update', { of: deliveries });
    if (!row) return { outcome: 'not_found' };
    if (row.attempts !== attempt) return { outcome: 'stale', deliveryId, status: row.status };
    const unchanged = { outcome: 'unchanged', deliveryId, status: row.status } as const;
    if (!IN_FLIGHT.has(row.status)) return unchanged;

    const now = tx.clock.now();
    const set = (values: Partial<typeof deliveries.$inferInsert>) =>
      tx.db
        .update(deliveries)
        .set({
          providerId: sql`coalesce(${deliveries.providerId}, ${callSid})`,
          sentAt: sql`coalesce(${deliveries.sentAt}, ${now.toISOString()}::timestamptz)`,
          updatedAt: now,
          ...values,
        })
        .where(eq(deliveries.id, deliveryId));

    if (!FINAL.has(callStatus)) {
      if (row.status !== 'sending') return unchanged;
      await set({ status: 'sent' });
      return { outcome: 'progress', deliveryId, status: 'sent' };
    }
    if (callStatus === 'completed') {
      const voicemail = answeredByMachine(answeredBy);
      await set({ status: 'delivered', error: voicemail ? VOICEMAIL_NOTE : null, finishedAt: now });
      return { outcome: 'delivered', deliveryId, voicemail };
    }
    const permanent = errorCode !== undefined && PERMANENT_CALL_ERROR_CODES.has(errorCode);
    if (isRetried(callStatus) && !permanent && attempt < policy.maxAttempts) {
      const retryAt = nextCallAt(now, policy.retryAfterMs, {
        startMinute: row.quietStartMinute,
        endMinute: row.quietEndMinute,
        timeZone: row.timeZone,
      });
      await set({ status: 'queued', error: RETRY_ERROR_OF_CALL_STATUS[callStatus] });
      return { outcome: 'retry', deliveryId, retryAt, attempt };
    }
    const error =
      errorCode ?? (isRetried(callStatus) ? RETRY_ERROR_OF_CALL_STATUS[callStatus] : 'call_canceled');
    await set({ status: 'failed', error, finishedAt: now });
    if (permanent) {
      await applyProviderErrorCode(tx, {
        residentId: row.residentId,
        channel: row.channel,
        deliveryId,
        code: errorCode,
      });
    }
    return { outcome: 'failed', deliveryId, error };
  };

  const outcome =
    'rollback' in ctx.db ? await run(ctx) : await ctx.db.transaction((tx) => run(withDb(ctx, tx)));
  ctx.log.debug({ deliveryId, attempt, callStatus, outcome: outcome.outcome }, 'outbound call status');
  return outcome;
}
