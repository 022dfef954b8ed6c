import { DelayedError, type Job } from 'bullmq';
import type { AppDeps } from '../app-deps.ts';
import type { SendDeliveryOutcome } from '../outreach/send-delivery.ts';
import type { Senders } from '../outreach/sender.ts';
import { callNotBefore } from '../voice/outbound-call-retry.ts';
import { CALL_SLOT_WAIT_MS, type CallSlots } from './outbound-call-slots.ts';
import { type OutboundProcessorOptions, outboundProcessor } from './outbound-jobs.ts';
import type { OutboundJobData, Queues } from './queues.ts';
import { systemCtx } from './system-ctx.ts';

export interface OutboundCallProcessorOptions extends OutboundProcessorOptions {
  slots: CallSlots;
  /** Time between an unanswered call and the next. */
  retryAfterMs: number;
  /** How long a call waits when every slot is taken (default CALL_SLOT_WAIT_MS). */
  slotWaitMs?: number;
}

/**
 * The processor of the outbound-voice queue: the outbound processor behind two gates. A retry of an
 * unanswered call waits out its spacing; then the call takes one of the installation's call slots, or
 * waits a few seconds and asks again, without spending an attempt. A placed call keeps its slot until
 * its final status callback; a call not placed (quiet hours, opted out, refused) gives it back at once.
 */
export function outboundCallProcessor(
  deps: AppDeps,
  senders: Senders | undefined,
  queues: Pick<Queues, 'outbound' | 'outboundVoice'>,
  options: OutboundCallProcessorOptions,
) {
  const { slots, retryAfterMs, slotWaitMs = CALL_SLOT_WAIT_MS, ...rest } = options;
  const send = outboundProcessor(deps, senders, queues, rest);
  const ctx = systemCtx(deps, 'outbound-call');
  return async (job: Job<OutboundJobData>, token?: string): Promise<SendDeliveryOutcome> => {
    const { deliveryId } = job.data;
    const due = await callNotBefore(ctx, { deliveryId }, { retryAfterMs });
    if (due) {
      await job.moveToDelayed(due.getTime(), token);
      throw new DelayedError();
    }
    if (!(await slots.acquire(deliveryId))) {
      // A little jitter, so that calls waiting together do not all ask again in the same instant.
      await job.moveToDelayed(Date.now() + slotWaitMs + Math.floor(Math.random() * slotWaitMs * 0.2), token);
      throw new DelayedError();
    }
    let result: SendDeliveryOutcome;
    try {
      result = await send(job, token);
    } catch (error) {
      await slots.release(deliveryId);
      throw error;
    }
    if (result.outcome !== 'sent') await slots.release(deliveryId);
    return result;
  };
}
