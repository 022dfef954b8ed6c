/**
 * The outreach engine at scale, on throwaway PostgreSQL databases and the local Redis:
 * - the all-in-one gateway process (src/main.ts, as `npm start` runs it) planning a 100,000-resident
 *   campaign scheduled for now, through its own outbox sweep, while it sends: its RSS from /proc at
 *   idle and at peak, and the time (bench/support/outreach-all-in-one.ts);
 * - planning a campaign for 100,000 residents in this process (deliveries written + one queued job
 *   each) against raw BullMQ addBulk of 100,000 jobs;
 * - dispatch through the real workers to a fast in-process stub sender, unthrottled and limited to
 *   1, 50 and 200 per second (rate measured from the stub's own timestamps, and the most sends in any
 *   1 s window).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Registry } from 'prom-client';
import type { AppDeps } from '../src/app-deps.ts';
import { parseConfig } from '../src/config.ts';
import { systemClock } from '../src/core/clock.ts';
import type { Ctx } from '../src/core/context.ts';
import { silentLogger } from '../src/core/logger.ts';
import type { Database } from '../src/db/database.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { getI18n } from '../src/i18n/i18n.ts';
import { planCampaign } from '../src/outreach/plan-campaign.ts';
import type { MessageSender } from '../src/outreach/sender.ts';
import { createPii, generatePiiKey } from '../src/residents/pii.ts';
import { outreachEnvFor } from '../src/runtime/delivery-queue.ts';
import { createQueues, type Queues } from '../src/runtime/queues.ts';
import { startWorkers } from '../src/runtime/workers.ts';
import type { BenchResult } from './bench-result.ts';
import { measureAllInOne } from './support/outreach-all-in-one.ts';
import { noticeFor, seedResidents } from './support/outreach-seed.ts';

const PLAN_RESIDENTS = 100_000;
const DISPATCH_UNTHROTTLED = 20_000;
/** SMS_RATE_PER_SECOND's default, a moderate rate and a fast one. */
const LIMITED_RATES = [1, 50, 200];
const LIMITED_SECONDS = 10;
/** The all-in-one process's SMS rate while it plans: it sends as it would in production. */
const ALL_IN_ONE_SMS_PER_SECOND = 100;
/** Memory budget of the all-in-one process during the 100k campaign (issue #3). */
const RSS_TARGET_MB = 300;

const POSTGRES_ADMIN_URL =
  process.env.BENCH_POSTGRES_URL ??
  process.env.TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Node flags for the all-in-one process, to compare runtime settings (e.g. --max-old-space-size=768). */
const NODE_ARGS = (process.env.OUTREACH_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function clear(queues: Queues): Promise<void> {
  for (const q of [queues.outbound, queues.outboundVoice, queues.maintenance])
    await q.obliterate({ force: true });
  await queues.close();
}

/** Raw BullMQ: 100,000 jobs of the same shape, in the same batches, one round trip each. */
async function rawAddBulk(redis: Redis): Promise<number> {
  const queues = createQueues(redis, `bench-raw-${randomBytes(3).toString('hex')}`);
  try {
    const started = performance.now();
    for (let i = 0; i < PLAN_RESIDENTS; i += 5_000) {
      await queues.outbound.addBulk(
        Array.from({ length: Math.min(5_000, PLAN_RESIDENTS - i) }, () => {
          const id = randomUUID();
          return { name: 'send-delivery', data: { deliveryId: id }, opts: { jobId: id } };
        }),
      );
    }
    return (performance.now() - started) / 1000;
  } finally {
    await clear(queues);
  }
}

function maxInAnyWindow(times: number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** Sends through the real workers to a stub; returns the stub's timestamps of the first `count` sends. */
async function dispatch(deps: AppDeps, ctx: Ctx, count: number, perSecond: number | null): Promise<number[]> {
  const times: number[] = [];
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const stub: MessageSender = {
    async send() {
      times.push(performance.now());
      if (times.length === count) resolveDone();
      return { ok: true, providerId: `SM${times.length}` };
    },
  };
  const communityId = await seedResidents(ctx, count);
  const withStub: AppDeps = { ...deps, senders: { sms: stub } };
  const campaign = await noticeFor(ctx, communityId, outreachEnvFor(withStub, undefined));
  const prefix = `bench-send-${randomBytes(3).toString('hex')}`;
  const producer = createQueues(deps.redis, prefix);
  await planCampaign(ctx, { campaign: campaign.id }, outreachEnvFor(withStub, producer));
  const workers = startWorkers(withStub, {
    senders: { sms: stub },
    prefix,
    outboundPerSecond: perSecond,
    maintenance: false,
    ...(perSecond === null ? { outboundConcurrency: 100 } : {}),
  });
  try {
    await done;
  } finally {
    await workers.close();
    await clear(producer);
  }
  return times;
}

/** The all-in-one gateway process planning and sending a 100,000-resident campaign. */
async function allInOne(): Promise<BenchResult[]> {
  const r = await measureAllInOne({
    adminUrl: POSTGRES_ADMIN_URL,
    redisUrl: REDIS_URL,
    residents: PLAN_RESIDENTS,
    smsPerSecond: ALL_IN_ONE_SMS_PER_SECOND,
    nodeArgs: NODE_ARGS,
  });
  if (r.enqueued !== PLAN_RESIDENTS) {
    throw new Error(`the all-in-one process queued ${r.enqueued} jobs; expected ${PLAN_RESIDENTS}`);
  }
  const peak = Math.max(r.peakRssMb, r.hwmMb);
  return [
    {
      name: 'all-in-one RSS peak, 100k campaign',
      value: round(peak),
      unit: 'MB',
      note:
        `target ≤ ${RSS_TARGET_MB}; npm start's process from scheduling until all jobs queued + ` +
        `${round(r.tailS)} s sending at ${ALL_IN_ONE_SMS_PER_SECOND}/s; VmRSS every 20 ms (max ` +
        `${round(r.peakRssMb)}), VmHWM ${round(r.hwmMb)}${r.hwmSinceSchedule ? ' since scheduling' : ' since start'}` +
        (NODE_ARGS.length ? `; node ${NODE_ARGS.join(' ')}` : ''),
    },
    {
      name: 'all-in-one RSS at idle',
      value: round(r.idleRssMb),
      unit: 'MB',
      note: 'started, maintenance schedule registered, no campaign yet',
    },
    {
      name: 'all-in-one plan 100k (outbox sweep)',
      value: round(r.planS, 2),
      unit: 's',
      note:
        `first delivery written → all 100,000 jobs queued; ${r.sentWhilePlanning} sent meanwhile; ` +
        `${round(r.sweepWaitS)} s from scheduling to the sweep`,
    },
    {
      name: 'all-in-one sends after planning',
      value: round(r.sentInTail / r.tailS),
      unit: 'sends/s',
      note: `to a stand-in Twilio API; SMS_RATE_PER_SECOND=${ALL_IN_ONE_SMS_PER_SECOND}`,
    },
    {
      name: 'load average, all-in-one run',
      value: round(r.loadAverage, 2),
      unit: 'load',
      note: `1-minute load, ${os.cpus().length} CPUs shared with whatever else runs`,
    },
  ];
}

async function measure(database: Database): Promise<BenchResult[]> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const pii = createPii(generatePiiKey());
  const deps: AppDeps = {
    config: parseConfig({ DATABASE_URL: 'postgres://bench@localhost/bench', PII_KEY: generatePiiKey() }),
    database,
    pii,
    log: silentLogger(),
    clock: systemClock,
    i18n: getI18n(),
    redis,
    metrics: new Registry(),
    senders: {},
  };
  const ctx: Ctx = {
    actor: { type: 'system', job: 'bench' },
    db: database.db,
    clock: systemClock,
    log: deps.log,
    pii,
  };
  const results: BenchResult[] = [];
  try {
    // Planning 100,000 (and the process's memory meanwhile), then raw addBulk of 100,000.
    const communityId = await seedResidents(ctx, PLAN_RESIDENTS);
    const withSms: AppDeps = {
      ...deps,
      senders: { sms: { send: async () => ({ ok: true, providerId: 'x' }) } },
    };
    const campaign = await noticeFor(ctx, communityId, outreachEnvFor(withSms, undefined));

    const queues = createQueues(redis, `bench-plan-${randomBytes(3).toString('hex')}`);
    const loadBefore = os.loadavg()[0] ?? 0;
    const started = performance.now();
    const plan = await planCampaign(ctx, { campaign: campaign.id }, outreachEnvFor(withSms, queues));
    const planned = (performance.now() - started) / 1000;
    const jobs = await queues.outbound.getJobCountByTypes('waiting', 'delayed', 'prioritized');
    await clear(queues);
    // Measured after planning, so that its garbage does not count against the planner's memory.
    const raw = await rawAddBulk(redis);
    if (plan.planned !== PLAN_RESIDENTS || plan.enqueued !== PLAN_RESIDENTS || jobs !== PLAN_RESIDENTS) {
      throw new Error(
        `planned ${plan.planned}, enqueued ${plan.enqueued}, jobs ${jobs}; expected ${PLAN_RESIDENTS}`,
      );
    }
    results.push(
      { name: 'raw BullMQ addBulk 100k jobs', value: round(raw, 2), unit: 's', note: 'batches of 5,000' },
      {
        name: 'plan 100k residents (PostgreSQL)',
        value: round(planned, 2),
        unit: 's',
        note: '100,000 deliveries written + 100,000 jobs queued',
      },
      { name: 'plan / raw addBulk', value: round(planned / raw, 2), unit: 'ratio', note: 'target ≤ 2' },
      {
        name: 'load average while planning (this process)',
        value: round(Math.max(loadBefore, os.loadavg()[0] ?? 0), 2),
        unit: 'load',
        note: `1-minute load, ${os.cpus().length} CPUs shared with whatever else runs`,
      },
    );

    // Dispatch, unthrottled.
    const fast = await dispatch(deps, ctx, DISPATCH_UNTHROTTLED, null);
    const fastSeconds = ((fast.at(-1) ?? 0) - (fast[0] ?? 0)) / 1000;
    results.push({
      name: 'dispatch unthrottled',
      value: round((fast.length - 1) / fastSeconds),
      unit: 'sends/s',
      note: `${DISPATCH_UNTHROTTLED} topic notices (claim, send, ack, reply prompt) to a stub sender; target ≥ 2,000`,
    });

    // Dispatch limited to N per second: the default rate, a moderate one and a fast one.
    for (const rate of LIMITED_RATES) {
      const limited = await dispatch(deps, ctx, Math.max(10, rate * LIMITED_SECONDS), rate);
      const limitedSeconds = ((limited.at(-1) ?? 0) - (limited[0] ?? 0)) / 1000;
      results.push(
        {
          name: `dispatch limited to ${rate}/s`,
          value: round((limited.length - 1) / limitedSeconds, 2),
          unit: 'sends/s',
          note: `${limited.length} sends; target within 5% of ${rate}, never above`,
        },
        {
          name: `most sends in any 1 s window at ${rate}/s`,
          value: maxInAnyWindow(limited, 1000),
          unit: 'sends',
          note: `limit ${rate}`,
        },
      );
    }
    return results;
  } finally {
    await redis.quit();
  }
}

export async function run(): Promise<BenchResult[]> {
  // First, while this process has done nothing else and the machine is quiet.
  const results = await allInOne();
  const name = `gw_bench_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  try {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 30 });
    try {
      return [...results, ...(await measure(database))];
    } finally {
      await database.close();
    }
  } finally {
    await admin(`drop database if exists ${name} with (force)`);
  }
}
