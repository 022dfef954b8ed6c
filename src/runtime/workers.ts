import { Worker } from 'bullmq';
import type { AppDeps } from '../app-deps.ts';
import type { Senders } from '../outreach/sender.ts';
import { maintenanceProcessor, scheduleMaintenance } from './maintenance-jobs.ts';
import { outboundProcessor } from './outbound-jobs.ts';
import { createQueues, DEFAULT_QUEUE_PREFIX, QUEUE_NAMES, type Queues } from './queues.ts';

export interface StartWorkersOptions {
  senders?: Senders;
  prefix?: string;
  /** Outbound sends per second across all worker processes. */
  outboundPerSecond?: number;
}

export interface RunningWorkers {
  queues: Queues;
  workers: Worker[];
  /** Lets active jobs finish, then stops the workers and queues (not the shared connection). */
  close(): Promise<void>;
}

/**
 * Starts the queue workers and registers the maintenance schedule. Never blocks on Redis: while it
 * is down the workers wait for it and the schedule is registered once it answers.
 */
export function startWorkers(deps: AppDeps, options: StartWorkersOptions = {}): RunningWorkers {
  const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
  const queues = createQueues(deps.redis, prefix);
  const log = deps.log.child({ component: 'workers' });
  const workers = [
    new Worker(QUEUE_NAMES.maintenance, maintenanceProcessor(deps, queues), {
      connection: deps.redis,
      prefix,
      concurrency: 1,
    }),
    new Worker(QUEUE_NAMES.outbound, outboundProcessor(deps, options.senders), {
      connection: deps.redis,
      prefix,
      concurrency: 5,
      limiter: { max: options.outboundPerSecond ?? 10, duration: 1000 },
    }),
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
  for (const queue of [queues.maintenance, queues.outbound]) {
    queue.on('error', (error) => log.debug({ err: error, queue: queue.name }, 'queue error'));
  }
  let closing = false;
  void scheduleMaintenance(queues, deps.config.timeZone).then(
    () => log.debug('maintenance schedule registered'),
    (error: unknown) => {
      if (closing) log.debug({ err: error }, 'maintenance schedule not registered before shutdown');
      else log.warn({ err: error }, 'could not register the maintenance schedule');
    },
  );
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
