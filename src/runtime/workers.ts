import { type RateLimiterOptions, Worker } from 'bullmq';
import type { AppDeps } from '../app-deps.ts';
import type { Senders } from '../outreach/sender.ts';
import { maintenanceProcessor, scheduleMaintenance } from './maintenance-jobs.ts';
import { outboundCallProcessor } from './outbound-call-jobs.ts';
import { createCallSlots } from './outbound-call-slots.ts';
import { outboundProcessor } from './outbound-jobs.ts';
import { createPacer } from './pacer.ts';
import { createQueues, QUEUE_NAMES, type Queues } from './queues.ts';

export interface StartWorkersOptions {
  senders?: Senders;
  prefix?: string;
  /** SMS sends per second across all worker processes (default: SMS_RATE_PER_SECOND); null = unlimited. */
  outboundPerSecond?: number | null;
  /** Calls per second across all worker processes (default: VOICE_CALLS_PER_SECOND); null = unlimited. */
  voicePerSecond?: number | null;
  /** Calls in progress at once across all processes (default: VOICE_MAX_CONCURRENT_CALLS). */
  maxConcurrentCalls?: number;
  /** How long a call waits for a free slot before asking again (tests shorten it). */
  callSlotWaitMs?: number;
  /** Sends in flight at once per worker process (default: enough for the rate, 5–100). */
  outboundConcurrency?: number;
  /** First retry delay of a failed send (tests shorten it). */
  retryDelayMs?: number;
  /** How long a sent survey question or notice stays the thing a bare "1" answers. */
  promptTtlMs?: number;
  /** Register the repeating maintenance jobs (default true). */
  maintenance?: boolean;
}

export interface RunningWorkers {
  queues: Queues;
  workers: Worker[];
  /** Lets active jobs finish, then stops the workers and queues (not the shared connection). */
  close(): Promise<void>;
}

/**
 * BullMQ's limiter for `perSecond` sends across all worker processes: one-second windows (shorter
 * windows would each lose the worker's fetch latency, a visible share of the rate), lengthened to whole
 * milliseconds for fractional rates so that the rate never exceeds N while keeping at least 98% of it.
 * Within a process a pacer spreads each window's sends evenly through the second.
 */
export function rateLimiter(perSecond: number): RateLimiterOptions {
  for (let max = Math.max(1, Math.floor(perSecond)); ; max++) {
    const duration = Math.ceil((1000 * max) / perSecond);
    if ((max * 1000) / duration >= perSecond * 0.98) return { max, duration };
  }
}

/**
 * Starts the queue workers and registers the maintenance schedule. Never blocks on Redis: while it
 * is down the workers wait for it and the schedule is registered once it answers.
 */
export function startWorkers(deps: AppDeps, options: StartWorkersOptions = {}): RunningWorkers {
  const prefix = options.prefix ?? deps.config.queuePrefix;
  const queues = createQueues(deps.redis, prefix, {
    ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
  });
  const log = deps.log.child({ component: 'workers' });
  const smsRate =
    options.outboundPerSecond === undefined ? deps.config.smsRatePerSecond : options.outboundPerSecond;
  const voiceRate =
    options.voicePerSecond === undefined ? deps.config.voiceCalls.perSecond : options.voicePerSecond;
  const callSlots = createCallSlots(deps.redis, {
    prefix,
    capacity: options.maxConcurrentCalls ?? deps.config.voiceCalls.maxConcurrent,
  });
  const outboundWorker = (name: string, rate: number | null) => {
    const processorOptions = {
      ...(options.promptTtlMs ? { promptTtlMs: options.promptTtlMs } : {}),
      ...(rate === null ? {} : { pace: createPacer(rate) }),
    };
    return new Worker(
      name,
      name === QUEUE_NAMES.outboundVoice
        ? outboundCallProcessor(deps, options.senders, queues, {
            ...processorOptions,
            slots: callSlots,
            retryAfterMs: deps.config.voiceCalls.retryAfterMs,
            ...(options.callSlotWaitMs !== undefined ? { slotWaitMs: options.callSlotWaitMs } : {}),
          })
        : outboundProcessor(deps, options.senders, queues, processorOptions),
      {
        connection: deps.redis,
        prefix,
        // Enough slots to hold a whole window's sends while the pacer spreads them out.
        concurrency: options.outboundConcurrency ?? Math.min(100, Math.max(5, Math.ceil(rate ?? 100))),
        ...(rate === null ? {} : { limiter: rateLimiter(rate) }),
      },
    );
  };
  const workers = [
    new Worker(QUEUE_NAMES.maintenance, maintenanceProcessor(deps, queues), {
      connection: deps.redis,
      prefix,
      concurrency: 1,
    }),
    outboundWorker(QUEUE_NAMES.outbound, smsRate),
    outboundWorker(QUEUE_NAMES.outboundVoice, voiceRate),
  ];
  for (const worker of workers) {
    // Connection errors are already reported once per outage by the shared connection.
    worker.on('error', (error) => log.debug({ err: error, queue: worker.name }, 'worker error'));
    worker.on('failed', (job, error) => {
      if (error.name === 'DelayedError') return;
      log.warn(
        { queue: worker.name, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: error },
        'job failed',
      );
    });
  }
  for (const queue of [queues.maintenance, queues.outbound, queues.outboundVoice]) {
    queue.on('error', (error) => log.debug({ err: error, queue: queue.name }, 'queue error'));
  }
  let closing = false;
  if (options.maintenance !== false) {
    void scheduleMaintenance(queues, deps.config.timeZone).then(
      () => log.debug('maintenance schedule registered'),
      (error: unknown) => {
        if (closing) log.debug({ err: error }, 'maintenance schedule not registered before shutdown');
        else log.warn({ err: error }, 'could not register the maintenance schedule');
      },
    );
  }
  return {
    queues,
    workers,
    async close() {
      closing = true;
      // With Redis unreachable a graceful close would wait for it forever; nothing in flight can be
      // acknowledged anyway, and unfinished jobs are picked up again from Redis or the outbox sweep.
      const force = deps.redis.status !== 'ready';
      await Promise.allSettled(workers.map((w) => w.close(force)));
      await queues.close();
    },
  };
}
