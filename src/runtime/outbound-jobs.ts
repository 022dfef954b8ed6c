import { DelayedError, type Job } from 'bullmq';
import type { AppDeps } from '../app-deps.ts';
import { batchedDeliveryWrites } from '../outreach/delivery-writes.ts';
import { rerenderDeliveryBody } from '../outreach/rerender-delivery-body.ts';
import { type SendDeliveryOutcome, sendDelivery } from '../outreach/send-delivery.ts';
import type { Senders } from '../outreach/sender.ts';
import type { Pacer } from './pacer.ts';
import { enqueueDeliveries, type OutboundJobData, type Queues } from './queues.ts';
import { systemCtx } from './system-ctx.ts';

/** Thrown so that BullMQ retries the job with backoff. */
export class RetryableSendError extends Error {
  override name = 'RetryableSendError';
}

export interface OutboundProcessorOptions {
  promptTtlMs?: number;
  /** Starts each send in this process's next slot (the rate limit, spread evenly). */
  pace?: Pacer;
}

/**
 * The BullMQ processor for the outbound queues: sends one delivery through its channel's sender,
 * moves a job due in quiet hours to a delayed job that runs when they end (never dropping it), hands a
 * delivery whose resident changed channel to that channel's queue, and lets BullMQ retry transient
 * failures with exponential backoff.
 */
export function outboundProcessor(
  deps: AppDeps,
  senders: Senders | undefined,
  queues: Pick<Queues, 'outbound' | 'outboundVoice'>,
  options: OutboundProcessorOptions = {},
) {
  // Shared by this worker's concurrent sends: their claims and acknowledgements are batched.
  const writes = batchedDeliveryWrites(deps.database.db);
  const ctx = systemCtx(deps, 'outbound');
  return async (job: Job<OutboundJobData>, token?: string): Promise<SendDeliveryOutcome> => {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const result = await sendDelivery(
      ctx,
      { deliveryId: job.data.deliveryId, finalAttempt },
      {
        senders: senders ?? {},
        writes,
        ...(options.promptTtlMs ? { promptTtlMs: options.promptTtlMs } : {}),
        ...(options.pace ? { pace: options.pace } : {}),
      },
    );
    switch (result.outcome) {
      case 'missing':
        // The row may belong to a transaction that has not committed yet.
        throw new RetryableSendError(`delivery ${job.data.deliveryId} not found`);
      case 'retry':
        throw new RetryableSendError(result.error);
      case 'deferred':
        await job.moveToDelayed(result.until.getTime(), token);
        throw new DelayedError();
      case 'rerouted':
        // A text is not what a call says, nor the other way round.
        await rerenderDeliveryBody(
          ctx,
          { deliveryId: job.data.deliveryId },
          { i18n: deps.i18n, defaultLocale: deps.config.defaultLocale },
        );
        await enqueueDeliveries(queues, [{ deliveryId: job.data.deliveryId, channel: result.channel }]);
        return result;
      case 'skipped':
      case 'held':
      case 'opted_out':
      case 'visit':
      case 'sent':
      case 'failed':
        return result;
    }
  };
}
