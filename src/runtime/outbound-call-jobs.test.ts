/**
 * The outbound-voice queue on real Redis and the real database, with two worker sets standing in for
 * two worker processes and a recording sender standing in for Twilio's Calls API at the network edge.
 */
import { randomBytes } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import { deliveries, residents } from '../db/schema.ts';
import { createCampaign } from '../outreach/create-campaign.ts';
import {
  eventually,
  insertResidents,
  insertSurvey,
  insertTopic,
  type RecordingSender,
  recordingSender,
} from '../outreach/outreach-test-kit.ts';
import { planCampaign } from '../outreach/plan-campaign.ts';
import { queueOutboundMessage } from '../outreach/queue-outbound-message.ts';
import type { Senders } from '../outreach/sender.ts';
import { createTestAppDeps, type TestAppDeps } from '../testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { createRedis } from './create-app-deps.ts';
import { outreachEnvFor } from './delivery-queue.ts';
import { callSlotsKey, createCallSlots } from './outbound-call-slots.ts';
import { createQueues, type Queues } from './queues.ts';
import { systemCtx } from './system-ctx.ts';
import { type RunningWorkers, startWorkers } from './workers.ts';

let database: TestDatabase;
let redis: Redis;
let deps: TestAppDeps;
const prefix = `gw-calls-${randomBytes(4).toString('hex')}`;
let queues: Queues;
const running: RunningWorkers[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  redis = createRedis('redis://127.0.0.1:6379', silentLogger());
  deps = createTestAppDeps(database, { redis, env: { VOICE_MAX_CONCURRENT_CALLS: '2' } });
  deps.clock.set('2030-06-05T02:00:00Z');
  queues = createQueues(redis, prefix);
});

afterAll(async () => {
  for (const w of running) await w.close();
  for (const q of [queues.outbound, queues.outboundVoice, queues.maintenance]) {
    await q.obliterate({ force: true });
  }
  await queues.close();
  await redis.del(callSlotsKey(prefix));
  await redis.quit();
  await database.close();
});

function start(senders: Senders): RunningWorkers {
  const workers = startWorkers(
    { ...deps, senders },
    {
      senders,
      prefix,
      voicePerSecond: null,
      outboundPerSecond: null,
      maintenance: false,
      callSlotWaitMs: 50,
    },
  );
  running.push(workers);
  return workers;
}

/** A survey campaign to `count` residents who cannot read, planned and enqueued. */
async function plannedCalls(count: number, senders: Senders) {
  const ctx = systemCtx(deps, 'test');
  const ids = await insertResidents(
    ctx,
    Array.from({ length: count }, () => ({ accessibilityNeeds: ['cannot_read' as const] })),
  );
  const topic = await insertTopic(database.db, { status: 'evaluating' });
  const { survey } = await insertSurvey(database.db, { topicId: topic.id });
  const env = outreachEnvFor({ ...deps, senders }, queues);
  const { campaign } = await createCampaign(
    ctx,
    {
      kind: 'survey',
      name: '回访',
      topicId: topic.id,
      surveyId: survey.id,
      audience: { residentIds: ids },
      templates: { 'zh-CN': '{{topicCode}}已完工。' },
    },
    env,
  );
  await planCampaign(ctx, { campaign: campaign.id }, env);
  return database.db.select().from(deliveries).where(eq(deliveries.campaignId, campaign.id));
}

describe('outbound calls on the queue', () => {
  it('never has more calls in progress than the cap, across worker processes', async () => {
    const sender = recordingSender({ ok: true, providerId: 'CA' });
    const senders = { voice: sender };
    start(senders);
    start(senders);
    const rows = await plannedCalls(6, senders);
    const slots = createCallSlots(redis, { prefix, capacity: 2 });

    await eventually(
      async () => sender.sent.length,
      (n) => n === 2,
      'two calls',
    );
    // Every other call is taken up by some worker and put back to wait, and none is placed.
    await eventually(
      async () => {
        const placedIds = new Set(sender.sent.map((m) => m.outboxId));
        const jobs = await Promise.all(
          rows.filter((r) => !placedIds.has(r.id)).map((r) => queues.outboundVoice.getJob(r.id)),
        );
        return jobs.every((j) => (j?.processedOn ?? 0) > 0);
      },
      (tried) => tried,
      'the waiting calls tried',
    );
    expect(sender.sent).toHaveLength(2);
    expect(await slots.inUse()).toBe(2);

    // Each call that ends (its final status callback frees the slot) lets exactly one more go.
    for (let ended = 1; ended <= 4; ended += 1) {
      await slots.release(sender.sent[ended - 1]?.outboxId ?? '');
      await eventually(
        async () => sender.sent.length,
        (n) => n === 2 + ended,
        `call ${2 + ended}`,
      );
      expect(await slots.inUse()).toBe(2);
    }
    expect(new Set(sender.sent.map((m) => m.outboxId))).toEqual(new Set(rows.map((r) => r.id)));
    expect(sender.sent.every((m) => m.attempt === 1)).toBe(true);
    for (const w of running.splice(0)) await w.close();
    await redis.del(callSlotsKey(prefix));
  });

  it('gives the slot back at once when a call is not placed', async () => {
    const refusing: RecordingSender = recordingSender({
      ok: false,
      permanent: true,
      error: '21217',
      code: '21217',
    });
    start({ voice: refusing });
    const rows = await plannedCalls(3, { voice: refusing });
    await eventually(
      async () =>
        database.db
          .select()
          .from(deliveries)
          .where(
            inArray(
              deliveries.id,
              rows.map((r) => r.id),
            ),
          ),
      (all) => all.every((r) => r.status === 'failed'),
      'refused calls failed',
    );
    expect(refusing.sent).toHaveLength(3);
    expect(await createCallSlots(redis, { prefix, capacity: 2 }).inUse()).toBe(0);
    for (const w of running.splice(0)) await w.close();
  });

  it('waits out the spacing before calling again, even when the retry is enqueued early', async () => {
    const sender = recordingSender({ ok: true, providerId: 'CA' });
    const [row] = await plannedCalls(1, { voice: sender });
    if (!row) throw new Error('no delivery');
    // As a no-answer callback leaves it, but enqueued at once (the outbox sweep after Redis lost it).
    await database.db
      .update(deliveries)
      .set({ status: 'queued', error: 'call_no_answer', attempts: 1, updatedAt: deps.clock.now() })
      .where(eq(deliveries.id, row.id));
    start({ voice: sender });
    await eventually(
      async () => queues.outboundVoice.getJobState(row.id),
      (s) => s === 'delayed',
      'held back',
    );
    const job = await queues.outboundVoice.getJob(row.id);
    expect(job?.processedOn).toBeGreaterThan(0);
    expect(sender.sent).toHaveLength(0);
    expect(await createCallSlots(redis, { prefix, capacity: 2 }).inUse()).toBe(0);
    expect((await database.db.select().from(deliveries).where(eq(deliveries.id, row.id)))[0]?.status).toBe(
      'queued',
    );

    deps.clock.advance(2 * 60 * 60_000 + 60_000);
    await job?.promote();
    await eventually(
      async () => sender.sent.length,
      (n) => n === 1,
      'the second call',
    );
    expect(sender.sent[0]?.attempt).toBe(2);
    for (const w of running.splice(0)) await w.close();
    await redis.del(callSlotsKey(prefix));
    deps.clock.set('2030-06-05T02:00:00Z');
  });

  it('never rings at night, even for a call that is not part of a campaign', async () => {
    const sender = recordingSender({ ok: true, providerId: 'CA' });
    const ctx = systemCtx(deps, 'test');
    const [id] = await insertResidents(ctx, [{ accessibilityNeeds: ['cannot_read'] }]);
    const message = await queueOutboundMessage(
      ctx,
      {
        channel: 'voice',
        residentId: id as string,
        locale: 'zh-CN',
        body: '您好，这里是民生议事堂。',
        purpose: `test-call:${randomBytes(4).toString('hex')}`,
      },
      { voice: sender },
    );
    deps.clock.set('2030-06-05T15:00:00Z'); // 23:00 in Shanghai
    start({ voice: sender });
    await queues.outboundVoice.add('send-delivery', { deliveryId: message.id }, { jobId: message.id });
    await eventually(
      async () => queues.outboundVoice.getJobState(message.id),
      (s) => s === 'delayed',
      'deferred',
    );
    expect(sender.sent).toHaveLength(0);
    expect(
      (await database.db.select().from(deliveries).where(eq(deliveries.id, message.id)))[0]?.status,
    ).toBe('queued');
    for (const w of running.splice(0)) await w.close();
    deps.clock.set('2030-06-05T02:00:00Z');
  });

  it('rewrites a text planned for a resident who can no longer read into what a call says', async () => {
    const sms = recordingSender();
    const voice = recordingSender({ ok: true, providerId: 'CA' });
    const senders = { sms, voice };
    const ctx = systemCtx(deps, 'test');
    const [id] = await insertResidents(ctx, [{ preferredLocale: 'zh-CN' }]);
    const topic = await insertTopic(database.db);
    const env = outreachEnvFor({ ...deps, senders }, undefined);
    const { campaign } = await createCampaign(
      ctx,
      {
        kind: 'notice',
        name: '公示',
        topicId: topic.id,
        audience: { residentIds: [id as string] },
        templates: { 'zh-CN': '议题{{topicCode}}公示中。支持回1，反对回2。' },
      },
      env,
    );
    await planCampaign(ctx, { campaign: campaign.id }, env);
    const [planned] = await database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.campaignId, campaign.id));
    expect(planned?.channel).toBe('sms');
    expect(planned?.body).toContain('退订回TD');
    // Before it goes out, the resident is found unable to read.
    await database.db
      .update(residents)
      .set({ accessibilityNeeds: ['cannot_read'] })
      .where(eq(residents.id, id as string));
    start(senders);
    await queues.outbound.add('send-delivery', { deliveryId: planned?.id ?? '' }, { jobId: planned?.id });
    await eventually(
      async () => voice.sent.length,
      (n) => n === 1,
      'the call',
    );
    expect(sms.sent).toHaveLength(0);
    expect(voice.sent[0]?.body).toMatch(new RegExp(`^您好，这里是.+。议题${topic.code}公示中。$`));
    for (const w of running.splice(0)) await w.close();
    await redis.del(callSlotsKey(prefix));
  });
});
