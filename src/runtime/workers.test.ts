import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { createLogger } from '../core/logger.ts';
import { auditLog, campaigns, deliveries } from '../db/schema.ts';
import { queueOutboundMessage } from '../outreach/queue-outbound-message.ts';
import type { MessageSender, OutboundMessage } from '../outreach/sender.ts';
import { findOrCreateResidentByPhone } from '../residents/find-or-create-resident-by-phone.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { createTestAppDeps, type TestAppDeps } from '../testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { createRedis } from './create-app-deps.ts';
import {
  AUDIT_VERIFY_CRON,
  OUTBOX_SWEEP_EVERY_MS,
  PROXY_UNCONFIRMED_EVERY_MS,
  PURGE_EVERY_MS,
  runMaintenanceJob,
  SUPERVISE_LISTS_CRON,
  scheduleMaintenance,
} from './maintenance-jobs.ts';
import { createQueues, enqueueOutboxMessage, MAINTENANCE_JOBS, type Queues } from './queues.ts';
import { systemCtx } from './system-ctx.ts';
import { startWorkers } from './workers.ts';

const lines: Record<string, unknown>[] = [];
const log = createLogger({
  destination: {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.trim()) lines.push(JSON.parse(line));
    },
  },
});

let database: TestDatabase;
let redis: Redis;
let deps: TestAppDeps;
// Each test file gets its own key prefix so parallel runs never take each other's jobs.
const prefix = `gw-test-${randomBytes(4).toString('hex')}`;
let queues: Queues;

beforeAll(async () => {
  database = await createTestDatabase();
  redis = createRedis('redis://127.0.0.1:6379', log);
  deps = createTestAppDeps(database, { log, redis });
  queues = createQueues(redis, prefix);
});

afterAll(async () => {
  await queues.maintenance.obliterate({ force: true });
  await queues.outbound.obliterate({ force: true });
  await queues.outboundVoice.obliterate({ force: true });
  await queues.close();
  await redis.quit();
  await database.close();
});

async function residentId(phone: string): Promise<string> {
  const found = await findOrCreateResidentByPhone(systemCtx(deps, 'test'), { phone });
  if (!found) throw new Error('test phone number rejected');
  return found.resident.id;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function status(id: string) {
  const [row] = await database.db.select().from(deliveries).where(eq(deliveries.id, id));
  return row?.status;
}

describe('queue jobs act as the system', () => {
  it('gives each job a system actor named after it', () => {
    expect(systemCtx(deps, MAINTENANCE_JOBS.purgeExpiredSessions).actor).toEqual({
      type: 'system',
      job: 'purge-expired-sessions',
    });
  });
});

describe('maintenance schedule', () => {
  it('registers session purge every 15 minutes, nightly audit verification and the morning lists supervision in the local time zone, and the outbox sweep', async () => {
    await scheduleMaintenance(queues, 'Asia/Shanghai');
    await scheduleMaintenance(queues, 'Asia/Shanghai');
    const schedulers = await queues.maintenance.getJobSchedulers();
    const byId = Object.fromEntries(schedulers.map((s) => [s.key, s]));
    expect(Object.keys(byId).sort()).toEqual(
      [
        'mark-unconfirmed-proxy-records',
        'purge-expired-sessions',
        'supervise-lists',
        'sweep-outbox',
        'verify-audit-chain',
      ].sort(),
    );
    expect(Number(byId['mark-unconfirmed-proxy-records']?.every)).toBe(PROXY_UNCONFIRMED_EVERY_MS);
    expect(Number(byId['purge-expired-sessions']?.every)).toBe(PURGE_EVERY_MS);
    expect(PURGE_EVERY_MS).toBe(15 * 60_000);
    expect(Number(byId['sweep-outbox']?.every)).toBe(OUTBOX_SWEEP_EVERY_MS);
    expect(byId['verify-audit-chain']).toMatchObject({ pattern: AUDIT_VERIFY_CRON, tz: 'Asia/Shanghai' });
    expect(byId['supervise-lists']).toMatchObject({ pattern: SUPERVISE_LISTS_CRON, tz: 'Asia/Shanghai' });
  });
});

describe('audit-chain verification job', () => {
  it('logs the chain as verified, then an error-level line once an entry has been forged', async () => {
    const ctx = systemCtx(deps, 'test');
    await appendAudit(ctx, { action: 'test.one', subjectType: 'test', subjectId: '1' });
    await appendAudit(ctx, { action: 'test.two', subjectType: 'test', subjectId: '2' });

    const intact = await runMaintenanceJob(deps, queues, MAINTENANCE_JOBS.verifyAuditChain);
    expect(intact).toMatchObject({ ok: true, entries: 2 });
    expect(lines.some((l) => l.msg === 'audit chain verified' && l.job === 'verify-audit-chain')).toBe(true);

    // Appending is the one change the database allows; a forged entry cannot carry the right hash.
    await database.db.insert(auditLog).values({
      seq: 3,
      at: new Date().toISOString(),
      actorType: 'system',
      actor: { type: 'system', job: 'forger' },
      action: 'test.forged',
      subjectType: 'test',
      subjectId: '3',
      data: {},
      prevHash: 'f'.repeat(64),
      hash: 'e'.repeat(64),
    });
    const broken = await runMaintenanceJob(deps, queues, MAINTENANCE_JOBS.verifyAuditChain);
    expect(broken).toMatchObject({ ok: false, brokenAt: 3 });
    const alarm = lines.find((l) => l.level === 50 && l.job === 'verify-audit-chain');
    expect(alarm).toMatchObject({ brokenAt: 3, problem: 'link_mismatch' });
  });
});

describe('outbox sweep', () => {
  it('enqueues every queued outbox message once, keyed by its id', async () => {
    const ctx = systemCtx(deps, 'test');
    const sender: MessageSender = { send: async () => ({ ok: true, providerId: 'x' }) };
    const queued = await queueOutboundMessage(
      ctx,
      {
        channel: 'sms',
        residentId: await residentId('13700000001'),
        locale: 'zh-CN',
        body: '通知',
        purpose: 'sweep:1',
      },
      { sms: sender },
    );
    const held = await queueOutboundMessage(
      ctx,
      {
        channel: 'sms',
        residentId: await residentId('13700000002'),
        locale: 'zh-CN',
        body: '通知',
        purpose: 'sweep:2',
      },
      undefined,
    );
    expect(await runMaintenanceJob(deps, queues, MAINTENANCE_JOBS.sweepOutbox)).toMatchObject({
      enqueued: 1,
    });
    // The queue now holds every pending delivery: the next sweep has nothing to add.
    expect(await runMaintenanceJob(deps, queues, MAINTENANCE_JOBS.sweepOutbox)).toMatchObject({
      enqueued: 0,
    });
    const jobs = await queues.outbound.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs.map((j) => j.id)).toEqual([queued.id]);
    expect(jobs[0]?.data).toEqual({ deliveryId: queued.id });
    expect(jobs.map((j) => j.id)).not.toContain(held.id);
    await queues.outbound.drain(true);
  });
});

describe('outbound worker', () => {
  it('sends a queued message through the sender and marks it sent', async () => {
    const sent: OutboundMessage[] = [];
    const sender: MessageSender = {
      async send(message) {
        sent.push(message);
        return { ok: true, providerId: `SM-${sent.length}` };
      },
    };
    const running = startWorkers({ ...deps, senders: { sms: sender } }, { senders: { sms: sender }, prefix });
    try {
      const row = await queueOutboundMessage(
        systemCtx(deps, 'test'),
        {
          channel: 'sms',
          residentId: await residentId('13700000003'),
          locale: 'en',
          body: 'Meeting on Friday',
          purpose: 'worker:1',
        },
        { sms: sender },
      );
      await enqueueOutboxMessage(running.queues, row.id);
      expect(
        await until(
          () => status(row.id),
          (s) => s !== 'queued' && s !== 'sending',
        ),
      ).toBe('sent');
      // The sweep may also deliver messages left queued by earlier tests; this one goes out once.
      const mine = sent.filter((m) => m.outboxId === row.id);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ body: 'Meeting on Friday', to: '+8613700000003' });
    } finally {
      await running.close();
    }
  });

  it('holds the message in the local outbox when no sender is configured', async () => {
    const running = startWorkers(deps, { prefix });
    try {
      const sender: MessageSender = { send: async () => ({ ok: true, providerId: 'never' }) };
      // Queued while a sender existed, processed by a worker that has none.
      const row = await queueOutboundMessage(
        systemCtx(deps, 'test'),
        {
          channel: 'sms',
          residentId: await residentId('13700000004'),
          locale: 'zh-CN',
          body: '通知',
          purpose: 'worker:2',
        },
        { sms: sender },
      );
      await enqueueOutboxMessage(running.queues, row.id);
      expect(
        await until(
          () => status(row.id),
          (s) => s !== 'queued' && s !== 'sending',
        ),
      ).toBe('held_no_credentials');
    } finally {
      await running.close();
    }
  });

  it('moves a campaign message due in quiet hours to a delayed job that runs when they end', async () => {
    const sender: MessageSender = { send: async () => ({ ok: true, providerId: 'night' }) };
    // 22:30 in Shanghai (inside the default 21:00–08:00 quiet hours) on a day still ahead, so that
    // Redis, which keeps real time, holds the job until the quiet hours end.
    const evening = new Date(Date.now() + 2 * 86_400_000);
    evening.setUTCHours(14, 30, 0, 0);
    const quietEnd = new Date(evening);
    quietEnd.setUTCHours(24, 0, 0, 0);
    const night = { ...deps, clock: new ManualClock(evening) };
    const running = startWorkers(night, { senders: { sms: sender }, prefix });
    try {
      const row = await queueOutboundMessage(
        systemCtx(night, 'test'),
        {
          channel: 'sms',
          residentId: await residentId('13700000005'),
          locale: 'zh-CN',
          body: '通知',
          purpose: 'worker:3',
        },
        { sms: sender },
      );
      // Quiet hours guard what residents did not ask for: make it part of a notice campaign.
      const [campaign] = await database.db
        .insert(campaigns)
        .values({
          kind: 'notice',
          name: '通知',
          audience: {},
          templates: { 'zh-CN': '通知' },
          status: 'sending',
        })
        .returning();
      await database.db.update(deliveries).set({ campaignId: campaign!.id }).where(eq(deliveries.id, row.id));
      await enqueueOutboxMessage(running.queues, row.id);
      const state = await until(
        () => running.queues.outbound.getJobState(row.id),
        (s) => s === 'delayed',
      );
      expect(state).toBe('delayed');
      // BullMQ scores delayed jobs by due time × 4096 (plus a tie-breaker below 4096).
      const score = await redis.zscore(`${prefix}:outbound:delayed`, row.id);
      expect(Math.floor(Number(score) / 4096)).toBe(quietEnd.getTime());
      expect(await status(row.id)).toBe('queued');
    } finally {
      await running.close();
    }
  });
});
