import type { AppDeps } from '../app-deps.ts';
import type { DeliveryQueue, OutreachEnv } from '../outreach/outreach-env.ts';
import { enqueueDeliveries, outboundQueue, type Queues } from './queues.ts';

const REMOVE_CONCURRENCY = 500;

/** The outreach core's queue port, backed by the BullMQ outbound queues. */
export function createDeliveryQueue(queues: Pick<Queues, 'outbound' | 'outboundVoice'>): DeliveryQueue {
  return {
    enqueue: (jobs) => enqueueDeliveries(queues, jobs),
    async remove(jobs) {
      for (let i = 0; i < jobs.length; i += REMOVE_CONCURRENCY) {
        await Promise.all(
          jobs.slice(i, i + REMOVE_CONCURRENCY).map(({ deliveryId, channel }) =>
            // A job already running is locked and stays; the worker sees the cancellation itself.
            outboundQueue(queues, channel)
              .remove(deliveryId)
              .catch(() => 0),
          ),
        );
      }
    },
    async pendingCount() {
      const states = ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children'] as const;
      const [sms, voice] = await Promise.all([
        queues.outbound.getJobCountByTypes(...states),
        queues.outboundVoice.getJobCountByTypes(...states),
      ]);
      return sms + voice;
    },
  };
}

/** What the outreach verbs need, from the process's dependencies. */
export function outreachEnvFor(
  deps: Pick<AppDeps, 'i18n' | 'config' | 'senders'>,
  queues: Pick<Queues, 'outbound' | 'outboundVoice'> | undefined,
): OutreachEnv {
  return {
    i18n: deps.i18n,
    defaultLocale: deps.config.defaultLocale,
    senders: deps.senders ?? {},
    queue: queues ? createDeliveryQueue(queues) : undefined,
  };
}
