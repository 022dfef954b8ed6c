/**
 * The outreach engine on real Redis and the real database: planning feeds BullMQ, workers send through
 * a recording sender standing in for the provider at the network edge.
 */
import { randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import { deliveries } from '../db/schema.ts';
import { createCampaign } from '../outreach/create-campaign.ts';
import {
  eventually,
  insertResidents,
  insertTopic,
  newPlace,
  type RecordingSender,
  recordingSender,
} from '../outreach/outreach-test-kit.ts';
import { planCampaign } from '../outreach/plan-campaign.ts';
import { STALE_SENDING_MS } from '../outreach/resume-pending-deliveries.ts';
import { isOptedOut } from '../residents/is-opted-out.ts';
import { createTestAppDeps, type TestAppDeps } from '../testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { createRedis } from './create-app-deps.ts';
import { outreachEnvFor } from './delivery-queue.ts';
import { runMaintenanceJob } from './maintenance-jobs.ts';
import { createQueues, MAINTENANCE_JOBS, type Queues } from './queues.ts';
import { systemCtx } from './system-ctx.ts';
import { type RunningWorkers, rateLimiter, startWorkers } from './workers.ts';

let database: TestDatabase;
let redis: Redis;
let deps: TestAppDeps;
// Each test file gets its own key prefix so parallel runs never take each other's jobs.
const prefix = `gw-outreach-${randomBytes(4).toString('hex')}`;
let queues: Queues;
const running: RunningWorkers[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  redis = createRedis('redis://127.0.0.1:6379', silentLogger());
  deps = createTestAppDeps(database, { redis });
  // Producers set a job's retry backoff; short here so that a retry happens within the test.
  queues = createQueues(redis, prefix, { retryDelayMs: 50 });
});

afterAll(async () => {
  for (const w of running) await w.close();
  for (const q of [queues.outbound, queues.outboundVoice, queues.maintenance])
    await q.obliterate({ force: true });
  await queues.close();
  await redis.quit();
  await database.close();
});

function start(
  sender: RecordingSender,
  options: Parameters<typeof startWorkers>[1] = {},
  clock?: ManualClock,
) {
  const withSender = { ...deps, ...(clock ? { clock } : {}), senders: { sms: sender } };
  const workers = startWorkers(withSender, {
    senders: { sms: sender },
    prefix,
    outboundPerSecond: null,
    maintenance: false,
    retryDelayMs: 50,
    ...options,
  });
  running.push(workers);
  return workers;
}

async function stop(workers: RunningWorkers) {
  await workers.close();
  running.splice(running.indexOf(workers), 1);
}

/** A notice campaign to `count` new residents, planned and enqueued. */
async function plannedCampaign(count: number, clock = deps.clock) {
  const ctx = { ...systemCtx(deps, 'test'), clock };
  const place = await newPlace(database.db);
  await insertResidents(
    ctx,
    Array.from({ length: count }, () => ({ communityId: place.community.id })),
  );
  const topic = await insertTopic(database.db);
  const env = outreachEnvFor({ ...deps, senders: { sms: recordingSender() } }, queues);
  const { campaign } = await createCampaign(
    ctx,
    {
      kind: 'notice',
      name: '通知',
      topicId: topic.id,
      audience: { communityIds: [place.community.id] },
      templates: { 'zh-CN': '议题{{topicCode}}公示中。' },
    },
    env,
  );
  const plan = await planCampaign(ctx, { campaign: campaign.id }, env);
  const rows = await database.db
    .select()
    .from(deliveries)
    .where(eq(deliveries.campaignId, campaign.id))
    .orderBy(deliveries.residentId);
  return { campaign, plan, rows };
}

async function statuses(ids: string[]) {
  const rows = await database.db.select().from(deliveries);
  return rows.filter((r) => ids.includes(r.id));
}

describe('rate limit', () => {
  it.each([0.5, 1, 3, 10, 50, 99, 150, 1000, 5000])('never lets more than %d per second through', (n) => {
    const { max, duration } = rateLimiter(n);
    const rate = (max * 1000) / duration;
    expect(rate).toBeLessThanOrEqual(n);
    expect(rate).toBeGreaterThanOrEqual(n * 0.95);
  });

  it('counts whole seconds, lengthened for fractional rates', () => {
    expect(rateLimiter(1)).toEqual({ max: 1, duration: 1000 });
    expect(rateLimiter(50)).toEqual({ max: 50, duration: 1000 });
    expect(rateLimiter(2.5)).toEqual({ max: 2, duration: 800 });
    expect(rateLimiter(0.5)).toEqual({ max: 1, duration: 2000 });
  });

  it('limits the SMS worker to SMS_RATE_PER_SECOND and sends in the order planned', async () => {
    const configured = createTestAppDeps(database, { redis, env: { SMS_RATE_PER_SECOND: '40' } });
    expect(configured.config.smsRatePerSecond).toBe(40);
    const sender = recordingSender();
    const workers = startWorkers(
      { ...configured, senders: { sms: sender } },
      { senders: { sms: sender }, prefix, maintenance: false, outboundConcurrency: 1 },
    );
    running.push(workers);
    try {
      const sms = workers.workers.find((w) => w.name === 'outbound');
      expect(sms?.opts.limiter).toEqual(rateLimiter(40));
      expect(workers.workers.find((w) => w.name === 'outbound-voice')?.opts.limiter).toEqual(rateLimiter(1));
      const { rows } = await plannedCampaign(8);
      await eventually(
        () => statuses(rows.map((r) => r.id)),
        (all) => all.every((r) => r.status === 'sent'),
        'all sent',
      );
      const order = sender.sent.filter((m) => rows.some((r) => r.id === m.outboxId)).map((m) => m.outboxId);
      expect(order).toEqual(rows.map((r) => r.id));
    } finally {
      await stop(workers);
    }
  });
});

describe('sending', () => {
  it('retries a transient failure with backoff, then succeeds', async () => {
    const sender = recordingSender((_m, attempt) =>
      attempt === 1
        ? { ok: false, permanent: false, error: 'http_503' }
        : { ok: true, providerId: 'SMretry' },
    );
    const workers = start(sender);
    try {
      const { rows } = await plannedCampaign(1);
      const id = rows[0]?.id ?? '';
      const [row] = await eventually(
        () => statuses([id]),
        ([r]) => r?.status === 'sent',
        'sent after retry',
      );
      expect(row).toMatchObject({ attempts: 2, possibleDuplicate: false });
      expect(sender.sent.filter((m) => m.outboxId === id)).toHaveLength(2);
    } finally {
      await stop(workers);
    }
  });

  it('does not retry 21610: the delivery fails at once and the resident is opted out', async () => {
    const sender = recordingSender({ ok: false, permanent: true, error: '21610', code: '21610' });
    const workers = start(sender);
    const finished: Job[] = [];
    const sms = workers.workers.find((w) => w.name === 'outbound');
    sms?.on('completed', (job) => finished.push(job));
    try {
      const { rows } = await plannedCampaign(1);
      const id = rows[0]?.id ?? '';
      await eventually(
        async () => finished.map((j) => j.id),
        (ids) => ids.includes(id),
        'job completed',
      );
      const [row] = await statuses([id]);
      expect(row).toMatchObject({ status: 'failed', error: '21610', attempts: 1 });
      expect(finished.find((j) => j.id === id)?.returnvalue).toEqual({ outcome: 'failed', error: '21610' });
      expect(sender.sent.filter((m) => m.outboxId === id)).toHaveLength(1);
      expect(
        await isOptedOut(systemCtx(deps, 'test'), { residentId: row?.residentId ?? '', channel: 'sms' }),
      ).toBe(true);
    } finally {
      await stop(workers);
    }
  });

  it('delays a delivery planned in quiet hours to 08:00, then sends it', async () => {
    // 22:30 in Shanghai, years ahead, so Redis (which keeps real time) holds the job until promoted.
    const clock = new ManualClock('2031-03-04T14:30:00Z');
    const sender = recordingSender();
    const workers = start(sender, {}, clock);
    try {
      const { rows } = await plannedCampaign(1, clock);
      const id = rows[0]?.id ?? '';
      const job = await workers.queues.outbound.getJob(id);
      expect(await job?.getState()).toBe('delayed');
      expect(job?.opts.delay).toBe(9.5 * 3_600_000);
      expect(sender.sent).not.toContainEqual(expect.objectContaining({ outboxId: id }));

      clock.set('2031-03-05T00:00:00Z');
      await job?.promote();
      const [row] = await eventually(
        () => statuses([id]),
        ([r]) => r?.status === 'sent',
        'sent at 08:00',
      );
      expect(row?.sentAt).toEqual(new Date('2031-03-05T00:00:00Z'));
    } finally {
      await stop(workers);
    }
  });

  it('moves a job that reaches the worker in quiet hours back to the queue, delayed until they end', async () => {
    const sender = recordingSender();
    const { rows } = await plannedCampaign(1);
    const id = rows[0]?.id ?? '';
    // Planned by day; the worker only gets to it at 23:10, years ahead.
    const clock = new ManualClock('2031-03-04T15:10:00Z');
    const workers = start(sender, {}, clock);
    try {
      await eventually(
        () => workers.queues.outbound.getJobState(id),
        (s) => s === 'delayed',
        'delayed',
      );
      const score = await redis.zscore(`${prefix}:outbound:delayed`, id);
      expect(Math.floor(Number(score) / 4096)).toBe(new Date('2031-03-05T00:00:00Z').getTime());
      expect((await statuses([id]))[0]?.status).toBe('queued');
    } finally {
      await stop(workers);
    }
  });
});

describe('after Redis loses the queue', () => {
  async function forgetQueue() {
    // What FLUSHALL would do to this installation, without touching other tests' keys.
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:outbound*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  it('the sweep puts queued and stale sending deliveries back from the database, and they are sent', async () => {
    const { rows } = await plannedCampaign(6);
    const ids = rows.map((r) => r.id);
    // One was being sent when everything was lost: it went out, or not — nobody knows.
    const inFlight = ids[0] ?? '';
    await database.db
      .update(deliveries)
      .set({ status: 'sending', sendingAt: new Date(deps.clock.now().getTime() - STALE_SENDING_MS - 1000) })
      .where(eq(deliveries.id, inFlight));
    await forgetQueue();
    expect(await queues.outbound.getJob(ids[1] ?? '')).toBeUndefined();

    const swept = await runMaintenanceJob(deps, queues, MAINTENANCE_JOBS.sweepOutbox);
    expect(swept.enqueued).toBeGreaterThanOrEqual(6);
    for (const id of ids) expect(await queues.outbound.getJob(id)).toBeDefined();

    const sender = recordingSender();
    const workers = start(sender);
    try {
      const all = await eventually(
        () => statuses(ids),
        (r) => r.length === 6 && r.every((d) => d.status === 'sent'),
        'all sent',
      );
      expect(all.find((d) => d.id === inFlight)?.possibleDuplicate).toBe(true);
      expect(all.filter((d) => d.possibleDuplicate)).toHaveLength(1);
      for (const id of ids) expect(sender.sent.filter((m) => m.outboxId === id)).toHaveLength(1);
    } finally {
      await stop(workers);
    }
  });
});
