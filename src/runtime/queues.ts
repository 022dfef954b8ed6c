/**
 * BullMQ queues: every queue and job name in one place. Redis holds only work in flight; job data
 * carries ids, never personal data, and the database stays the source of truth.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DeliveryJob } from '../outreach/outreach-env.ts';
import type { OutboundChannel } from '../outreach/sender.ts';

export const QUEUE_NAMES = {
  /** Housekeeping on a schedule: session purge, audit-chain verification, outbox sweep. */
  maintenance: 'maintenance',
  /** One job per SMS delivery, `jobId` = delivery id; rate-limited to the SMS sender's rate. */
  outbound: 'outbound',
  /** One job per voice delivery (a call), rate-limited separately: calls have their own rate. */
  outboundVoice: 'outbound-voice',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export const MAINTENANCE_JOBS = {
  purgeExpiredSessions: 'purge-expired-sessions',
  verifyAuditChain: 'verify-audit-chain',
  sweepOutbox: 'sweep-outbox',
  /** Daily: flags overdue responsibility items and silent departments, and escalates them. */
  superviseLists: 'supervise-lists',
  markUnconfirmedProxyRecords: 'mark-unconfirmed-proxy-records',
} as const;
export type MaintenanceJobName = (typeof MAINTENANCE_JOBS)[keyof typeof MAINTENANCE_JOBS];

export const OUTBOUND_JOB = 'send-delivery';
export interface OutboundJobData {
  deliveryId: string;
}

/** Key prefix for every queue; separate installations sharing one Redis use different prefixes. */
export const DEFAULT_QUEUE_PREFIX = 'gateway';

/** Attempts per delivery before a transient failure becomes final. */
export const SEND_ATTEMPTS = 6;
/** First retry after this long, then doubling: 30 s, 1 min, 2 min, 4 min, 8 min. */
export const SEND_RETRY_DELAY_MS = 30_000;
/** Jobs per addBulk call: one Redis round trip each. */
export const ENQUEUE_BATCH = 1_000;

export interface Queues {
  maintenance: Queue;
  /** SMS deliveries. */
  outbound: Queue<OutboundJobData>;
  outboundVoice: Queue<OutboundJobData>;
  prefix: string;
  close(): Promise<void>;
}

export interface CreateQueuesOptions {
  /** First retry delay for failed sends (tests shorten it). */
  retryDelayMs?: number;
}

/** Queue producers on the shared connection (closing them leaves the connection open). */
export function createQueues(
  redis: Redis,
  prefix: string = DEFAULT_QUEUE_PREFIX,
  options: CreateQueuesOptions = {},
): Queues {
  const maintenance = new Queue(QUEUE_NAMES.maintenance, {
    connection: redis,
    prefix,
    defaultJobOptions: { removeOnComplete: 100, removeOnFail: 500 },
  });
  const outboundOptions = {
    connection: redis,
    prefix,
    defaultJobOptions: {
      attempts: SEND_ATTEMPTS,
      backoff: { type: 'exponential', delay: options.retryDelayMs ?? SEND_RETRY_DELAY_MS },
      removeOnComplete: true,
      // The delivery row keeps the outcome; a failed job must not block the sweep from re-adding it.
      removeOnFail: true,
    },
  };
  const outbound = new Queue<OutboundJobData>(QUEUE_NAMES.outbound, outboundOptions);
  const outboundVoice = new Queue<OutboundJobData>(QUEUE_NAMES.outboundVoice, outboundOptions);
  return {
    maintenance,
    outbound,
    outboundVoice,
    prefix,
    async close() {
      await Promise.allSettled([maintenance.close(), outbound.close(), outboundVoice.close()]);
    },
  };
}

/** The queue a channel's deliveries wait in. */
export function outboundQueue(
  queues: Pick<Queues, 'outbound' | 'outboundVoice'>,
  channel: OutboundChannel,
): Queue<OutboundJobData> {
  return channel === 'voice' ? queues.outboundVoice : queues.outbound;
}

/**
 * Enqueues send jobs, `jobId` = delivery id, in batches of one round trip each. Idempotent: a delivery
 * whose job is still waiting, delayed or running is not added twice.
 */
export async function enqueueDeliveries(
  queues: Pick<Queues, 'outbound' | 'outboundVoice'>,
  jobs: readonly DeliveryJob[],
  batchSize: number = ENQUEUE_BATCH,
): Promise<void> {
  for (const channel of ['sms', 'voice'] as const) {
    const mine = jobs.filter((j) => j.channel === channel);
    const queue = outboundQueue(queues, channel);
    for (let i = 0; i < mine.length; i += batchSize) {
      await queue.addBulk(
        mine.slice(i, i + batchSize).map((job) => ({
          name: OUTBOUND_JOB,
          data: { deliveryId: job.deliveryId },
          opts: {
            jobId: job.deliveryId,
            ...(job.delayMs && job.delayMs > 0 ? { delay: job.delayMs } : {}),
          },
        })),
      );
    }
  }
}

/** Enqueues one delivery for sending (idempotent, like enqueueDeliveries). */
export async function enqueueOutboxMessage(
  queues: Pick<Queues, 'outbound' | 'outboundVoice'>,
  deliveryId: string,
  channel: OutboundChannel = 'sms',
): Promise<void> {
  await enqueueDeliveries(queues, [{ deliveryId, channel }]);
}
