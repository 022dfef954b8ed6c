/**
 * BullMQ queues: every queue and job name in one place. Redis holds only work in flight; job data
 * carries ids, never personal data, and the database stays the source of truth.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const QUEUE_NAMES = {
  /** Housekeeping on a schedule: session purge, audit-chain verification, outbox sweep. */
  maintenance: 'maintenance',
  /** One job per outbox message, `jobId` = outbox id. */
  outbound: 'outbound',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export const MAINTENANCE_JOBS = {
  purgeExpiredSessions: 'purge-expired-sessions',
  verifyAuditChain: 'verify-audit-chain',
  sweepOutbox: 'sweep-outbox',
} as const;
export type MaintenanceJobName = (typeof MAINTENANCE_JOBS)[keyof typeof MAINTENANCE_JOBS];

export const OUTBOUND_JOB = 'send-outbox-message';
export interface OutboundJobData {
  outboxId: string;
}

/** Key prefix for every queue; separate installations sharing one Redis use different prefixes. */
export const DEFAULT_QUEUE_PREFIX = 'gateway';

export interface Queues {
  maintenance: Queue;
  outbound: Queue<OutboundJobData>;
  prefix: string;
  close(): Promise<void>;
}

/** Queue producers on the shared connection (closing them leaves the connection open). */
export function createQueues(redis: Redis, prefix: string = DEFAULT_QUEUE_PREFIX): Queues {
  const maintenance = new Queue(QUEUE_NAMES.maintenance, {
    connection: redis,
    prefix,
    defaultJobOptions: { removeOnComplete: 100, removeOnFail: 500 },
  });
  const outbound = new Queue<OutboundJobData>(QUEUE_NAMES.outbound, {
    connection: redis,
    prefix,
    defaultJobOptions: {
      attempts: 6,
      backoff: { type: 'exponential', delay: 30_000 },
      removeOnComplete: true,
      removeOnFail: 1000,
    },
  });
  return {
    maintenance,
    outbound,
    prefix,
    async close() {
      await Promise.allSettled([maintenance.close(), outbound.close()]);
    },
  };
}

/**
 * Enqueues one outbox message for sending. Idempotent: the job id is the outbox id, so a message
 * already waiting is not added twice.
 */
export async function enqueueOutboxMessage(
  queues: Pick<Queues, 'outbound'>,
  outboxId: string,
): Promise<void> {
  await queues.outbound.add(OUTBOUND_JOB, { outboxId }, { jobId: outboxId });
}
