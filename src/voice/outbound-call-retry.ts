/**
 * When an unanswered call is tried again. The status callback puts the delivery back in the queue
 * with the reason as its error and schedules the next try; the worker checks the spacing again before
 * calling, so a retry re-enqueued early (the outbox sweep after Redis lost its jobs) still waits.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { deliveries } from '../db/schema.ts';
import { quietHoursEnd } from '../outreach/quiet-hours.ts';

/** Call outcomes worth another try later, and the delivery error that records each. */
export const RETRY_ERROR_OF_CALL_STATUS = {
  busy: 'call_busy',
  'no-answer': 'call_no_answer',
  failed: 'call_failed',
} as const;
export type RetriedCallStatus = keyof typeof RETRY_ERROR_OF_CALL_STATUS;

const RETRY_ERRORS: ReadonlySet<string> = new Set(Object.values(RETRY_ERROR_OF_CALL_STATUS));

/** True for a delivery error that means "the last call was not answered; try again later". */
export function isCallRetryError(error: string | null | undefined): boolean {
  return error !== null && error !== undefined && RETRY_ERRORS.has(error);
}

export interface CallRetryPolicy {
  /** Calls per delivery, the first included. */
  maxAttempts: number;
  /** Time between an unanswered call and the next. */
  retryAfterMs: number;
}

/**
 * The earliest moment of another call after one that ended unanswered at `endedAt`: the spacing, moved
 * past the resident's quiet hours when it lands inside them.
 */
export function nextCallAt(
  endedAt: Date,
  retryAfterMs: number,
  quiet: { startMinute: number; endMinute: number; timeZone: string },
): Date {
  const spaced = new Date(endedAt.getTime() + retryAfterMs);
  return quietHoursEnd(spaced, quiet) ?? spaced;
}

export const callNotBeforeInput = z.object({ deliveryId: z.uuid() });

/**
 * For a delivery waiting to be called again, when the next call may go; undefined when it may go now
 * (or is not a retry at all). Quiet hours are left to the send itself, which checks them anyway.
 */
export async function callNotBefore(
  ctx: Ctx,
  input: z.input<typeof callNotBeforeInput>,
  policy: Pick<CallRetryPolicy, 'retryAfterMs'>,
): Promise<Date | undefined> {
  const { deliveryId } = callNotBeforeInput.parse(input);
  const [row] = await ctx.db
    .select({ status: deliveries.status, error: deliveries.error, updatedAt: deliveries.updatedAt })
    .from(deliveries)
    .where(eq(deliveries.id, deliveryId))
    .limit(1);
  if (row?.status !== 'queued' || !isCallRetryError(row.error)) return undefined;
  const due = new Date(row.updatedAt.getTime() + policy.retryAfterMs);
  return due.getTime() > ctx.clock.now().getTime() ? due : undefined;
}
