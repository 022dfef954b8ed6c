import { DelayedError, type Job } from 'bullmq';
import type { AppDeps } from '../app-deps.ts';
import { type SendOutboxOutcome, sendOutboxMessage } from '../outreach/send-outbox-message.ts';
import type { Senders } from '../outreach/sender.ts';
import type { OutboundJobData } from './queues.ts';
import { systemCtx } from './system-ctx.ts';

/** Thrown so that BullMQ retries the job with backoff. */
export class RetryableSendError extends Error {
  override name = 'RetryableSendError';
}

/**
 * The BullMQ processor for the outbound queue: sends one outbox message through its channel's
 * sender, holds it in the local outbox when there is none, and reschedules it out of quiet hours.
 */
export function outboundProcessor(deps: AppDeps, senders: Senders | undefined) {
  return async (job: Job<OutboundJobData>, token?: string): Promise<SendOutboxOutcome> => {
    const ctx = systemCtx(deps, 'outbound');
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const result = await sendOutboxMessage(ctx, { outboxId: job.data.outboxId, finalAttempt }, senders);
    switch (result.outcome) {
      case 'missing':
        // The row may belong to a transaction that has not committed yet.
        throw new RetryableSendError(`outbox message ${job.data.outboxId} not found`);
      case 'retry':
        throw new RetryableSendError(result.error);
      case 'deferred':
        await job.moveToDelayed(result.until.getTime(), token);
        throw new DelayedError();
      case 'skipped':
      case 'held':
      case 'sent':
      case 'failed':
        return result;
    }
  };
}
