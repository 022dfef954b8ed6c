import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import {
  auditLog,
  type CampaignAudience,
  campaigns,
  deliveries,
  topicFollowers,
  topics,
} from '../db/schema.ts';
import { setChannelOptOut } from '../residents/set-channel-opt-out.ts';
import { createRedis } from '../runtime/create-app-deps.ts';
import { createDeliveryQueue } from '../runtime/delivery-queue.ts';
import { createQueues, type Queues } from '../runtime/queues.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { cancelCampaign } from './cancel-campaign.ts';
import { createCampaign } from './create-campaign.ts';
import { getCampaignProgress } from './get-campaign-progress.ts';
import {
  insertParticipation,
  insertResidents,
  insertSurvey,
  insertTopic,
  newPlace,
  recordingSender,
  testOutreachEnv,
} from './outreach-test-kit.ts';
import { planCampaign } from './plan-campaign.ts';
import { planDueCampaigns } from './plan-due-campaigns.ts';
import { previewCampaign } from './preview-campaign.ts';
import { scheduleCampaign } from './schedule-campaign.ts';

let database: TestDatabase;
let redis: Redis;
let queues: Queues;
const prefix = `gw-plan-${randomBytes(4).toString('hex')}`;
const sms = recordingSender();
const env = testOutreachEnv({ senders: { sms } });
const NOTICE = {
  'zh-CN':
    '议题{{topicCode}}《{{topicTitle}}》公示至{{publicationEndsOn}}。支持回1，反对回2，有意见直接回复文字。',
  'zh-HK': '議題{{topicCode}}《{{topicTitle}}》公示至{{publicationEndsOn}}。支持回1，反對回2。',
  en: 'Topic {{topicCode}} "{{topicTitle}}" is on notice until {{publicationEndsOn}}. Reply 1 to support, 2 to oppose.',
};

beforeAll(async () => {
  database = await createTestDatabase();
  redis = createRedis('redis://127.0.0.1:6379', silentLogger());
  queues = createQueues(redis, prefix);
});

afterAll(async () => {
  await queues.outbound.obliterate({ force: true });
  await queues.outboundVoice.obliterate({ force: true });
  await queues.maintenance.obliterate({ force: true });
  await queues.close();
  await redis.quit();
  await database.close();
});

const ctx = () => createTestCtx(database.db);

async function notice(audience: CampaignAudience, extra: Partial<Parameters<typeof createCampaign>[1]> = {}) {
  const topic = await insertTopic(database.db);
  const { campaign } = await createCampaign(
    ctx(),
    { kind: 'notice', name: '公示通知', topicId: topic.id, audience, templates: NOTICE, ...extra },
    env,
  );
  return campaign;
}

async function deliveriesOf(campaignId: string) {
  return database.db.select().from(deliveries).where(eq(deliveries.campaignId, campaignId));
}

async function audienceOf(audience: CampaignAudience): Promise<string[]> {
  const campaign = await notice(audience);
  await planCampaign(ctx(), { campaign: campaign.id }, env);
  return (await deliveriesOf(campaign.id)).map((d) => d.residentId).sort();
}

/** Records that a resident took part in a topic, the way the pipeline stores it. */
function tookPart(residentId: string, topicId: string, how: 'opinion' | 'vote' | 'demand' | 'answer') {
  return insertParticipation(database.db, { residentId, topicId, how });
}

describe('creating a campaign', () => {
  it('renders each language once with the sender tag and the opt-out hint added, and counts the segments', async () => {
    const place = await newPlace(database.db);
    const topic = await insertTopic(database.db, { communityId: place.community.id });
    const { campaign, messages } = await createCampaign(
      ctx(),
      { kind: 'notice', name: 'T公示', topicId: topic.id, audience: {}, templates: NOTICE },
      env,
    );
    expect(campaign).toMatchObject({ status: 'draft', kind: 'notice', code: `C${campaign.number}` });
    const zh = messages.find((m) => m.locale === 'zh-CN');
    expect(zh?.body).toBe(
      `【幸福里社区议事堂】议题${topic.code}《3号楼加装电梯》公示至12月8日。支持回1，反对回2，有意见直接回复文字。退订回TD`,
    );
    expect(zh?.size).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(messages.find((m) => m.locale === 'en')?.body).toBe(
      `[Xingfuli Community Hall] Topic ${topic.code} "A lift for block 3" is on notice until 8 Dec. Reply 1 to support, 2 to oppose. Reply TD to opt out`,
    );
  });

  it('keeps a sender tag and opt-out hint the template already has, without doubling them', async () => {
    const { messages } = await createCampaign(
      ctx(),
      {
        kind: 'notice',
        name: '自带落款',
        audience: {},
        templates: { 'zh-CN': '【XX社区议事堂】周五开会。退订回TD' },
      },
      env,
    );
    expect(messages.map((m) => m.body)).toEqual(['【XX社区议事堂】周五开会。退订回TD']);
  });

  it('refuses a message longer than three segments, naming the language and the count', async () => {
    const attempt = createCampaign(
      ctx(),
      { kind: 'notice', name: '太长', audience: {}, templates: { 'zh-CN': '通知'.repeat(110) } },
      env,
    );
    await expect(attempt).rejects.toBeInstanceOf(ServiceError);
    await expect(attempt).rejects.toMatchObject({
      code: 'validation_failed',
      messageKey: 'outreach:errors.tooManySegments',
      params: { language: 'zh-CN', segments: 4, max: 3 },
    });
    expect(await database.db.select().from(campaigns).where(eq(campaigns.name, '太长'))).toEqual([]);
  });

  it('refuses a survey without a survey, and unknown placeholders', async () => {
    await expect(
      createCampaign(
        ctx(),
        { kind: 'survey', name: '调查', audience: {}, templates: { 'zh-CN': '请评价' } },
        env,
      ),
    ).rejects.toMatchObject({ messageKey: 'outreach:errors.surveyRequired' });
    await expect(
      createCampaign(
        ctx(),
        { kind: 'notice', name: '错', audience: {}, templates: { 'zh-CN': '您好{{name}}' } },
        env,
      ),
    ).rejects.toMatchObject({
      messageKey: 'outreach:errors.unknownPlaceholder',
      params: { placeholder: '{{name}}' },
    });
  });

  it('puts the first question of a survey after the introduction', async () => {
    const { survey } = await insertSurvey(database.db, { kinds: ['satisfaction', 'text'] });
    const { messages } = await createCampaign(
      ctx(),
      {
        kind: 'survey',
        name: '调查',
        surveyId: survey.id,
        audience: {},
        templates: { 'zh-CN': '请您评价电梯工程' },
      },
      env,
    );
    expect(messages[0]?.body).toMatch(
      /^【民生议事堂】请您评价电梯工程。（1\/2）问题1：您满意吗？.*满意回2.*退订回TD$/,
    );
  });

  it('lets residents of a staff member who is not a campaign manager create nothing', async () => {
    const grid = createTestCtx(database.db, {
      actor: { type: 'staff', staffId: randomUUID(), roles: ['grid_worker'] },
    });
    await expect(
      createCampaign(
        grid,
        { kind: 'notice', name: '越权', audience: {}, templates: { 'zh-CN': '通知' } },
        env,
      ),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('previewing a campaign', () => {
  it('shows audience size, recipients per message and how each is reached, before anything is sent', async () => {
    const place = await newPlace(database.db);
    const ids = await insertResidents(ctx(), [
      { communityId: place.community.id },
      { communityId: place.community.id, preferredLocale: 'en' },
      { communityId: place.community.id, accessibilityNeeds: ['cannot_read'] },
      { communityId: place.community.id },
    ]);
    await setChannelOptOut(ctx(), {
      residentId: ids[3] ?? '',
      channel: 'sms',
      optedOut: true,
      reason: 'reply:TD',
    });
    const campaign = await notice({ communityIds: [place.community.id] });
    const preview = await previewCampaign(ctx(), { campaign: campaign.code }, env);
    expect(preview.audienceSize).toBe(4);
    expect(preview.routes).toEqual({ sms: 2, voice: 0, visit: 1, optedOut: 1 });
    expect(preview.messages.map((m) => [m.locale, m.recipients, m.size.segments])).toEqual([
      ['zh-CN', 3, 1],
      ['zh-HK', 0, 1],
      ['en', 1, 1],
    ]);
    expect(await deliveriesOf(campaign.id)).toEqual([]);
  });
});

describe('planning a campaign', () => {
  it('writes one delivery per resident and one queued job per delivery, keyed by the delivery id', async () => {
    const place = await newPlace(database.db);
    await insertResidents(
      ctx(),
      Array.from({ length: 12 }, (_, i) => ({
        communityId: place.community.id,
        preferredLocale: i % 3 === 0 ? ('zh-HK' as const) : i % 3 === 1 ? ('en' as const) : null,
      })),
    );
    const campaign = await notice({ communityIds: [place.community.id] });
    const queue = createDeliveryQueue(queues);
    const result = await planCampaign(
      ctx(),
      { campaign: campaign.code },
      { ...env, queue },
      { batchSize: 5 },
    );
    expect(result).toMatchObject({ planned: 12, queued: 12, enqueued: 12, totals: { queued: 12 } });
    expect(result.campaign.status).toBe('planned');

    const rows = await deliveriesOf(campaign.id);
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r.residentId)).size).toBe(12);
    expect(rows.filter((r) => r.locale === 'zh-HK')[0]?.body).toMatch(
      /^【幸福里社区議事堂】議題T\d+《3號樓加裝電梯》公示至12月8日/,
    );
    expect(rows.filter((r) => r.locale === 'en')).toHaveLength(4);
    expect(rows.filter((r) => r.locale === 'zh-CN')).toHaveLength(4);
    for (const r of rows) expect(r.purpose).toBe(`campaign:${campaign.id}:${r.residentId}`);

    const jobs = await queues.outbound.getJobs(['waiting', 'delayed', 'prioritized']);
    const mine = jobs.filter((j) => rows.some((r) => r.id === j.id));
    expect(mine.map((j) => j.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(mine.every((j) => JSON.stringify(j.data) === JSON.stringify({ deliveryId: j.id }))).toBe(true);

    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'campaign.plan'), eq(auditLog.subjectId, campaign.id)));
    expect(audit?.data).toMatchObject({ code: campaign.code, planned: 12, queued: 12 });
  });

  it('refreshes the deliveries statistics after a large plan, in or out of a transaction', async () => {
    const estimate = async () => {
      const { rows } = (await database.db.execute(
        sql`select c.reltuples::int as estimated, (select count(*)::int from deliveries) as actual
            from pg_class c where c.oid = 'deliveries'::regclass`,
      )) as unknown as { rows: { estimated: number; actual: number }[] };
      return rows[0];
    };
    const place = await newPlace(database.db);
    await insertResidents(
      ctx(),
      Array.from({ length: 6 }, () => ({ communityId: place.community.id })),
    );
    const small = await notice({ communityIds: [place.community.id] });
    await planCampaign(ctx(), { campaign: small.id }, env, { analyzeAfterPlanned: 7 });
    const before = await estimate();
    expect(before?.estimated).not.toBe(before?.actual);

    const large = await notice({ communityIds: [place.community.id] });
    await planCampaign(ctx(), { campaign: large.id }, env, { analyzeAfterPlanned: 6 });
    const after = await estimate();
    expect(after?.estimated).toBe(after?.actual);

    const inside = await notice({ communityIds: [place.community.id] });
    await database.db.transaction(async (tx) => {
      const result = await planCampaign({ ...ctx(), db: tx }, { campaign: inside.id }, env, {
        analyzeAfterPlanned: 6,
      });
      expect(result.planned).toBe(6);
    });
    expect(await deliveriesOf(inside.id)).toHaveLength(6);
  });

  it('is idempotent: planning again adds only residents who joined since, and no second job', async () => {
    const place = await newPlace(database.db);
    await insertResidents(ctx(), [{ communityId: place.community.id }, { communityId: place.community.id }]);
    const campaign = await notice({ communityIds: [place.community.id] });
    const queue = createDeliveryQueue(queues);
    const first = await planCampaign(ctx(), { campaign: campaign.id }, { ...env, queue });
    const again = await planCampaign(ctx(), { campaign: campaign.id }, { ...env, queue });
    expect(first.planned).toBe(2);
    expect(again).toMatchObject({ planned: 0, enqueued: 0, totals: { queued: 2 } });

    await insertResidents(ctx(), [{ communityId: place.community.id }]);
    const later = await planCampaign(ctx(), { campaign: campaign.id }, { ...env, queue });
    expect(later).toMatchObject({ planned: 1, enqueued: 1, totals: { queued: 3 } });
    const rows = await deliveriesOf(campaign.id);
    expect(rows).toHaveLength(3);
    const counts = await queues.outbound.getJobCountByTypes('waiting', 'delayed', 'prioritized');
    expect(counts).toBeGreaterThanOrEqual(3);
    for (const r of rows) expect(await queues.outbound.getJob(r.id)).toBeDefined();
  });

  it('plans concurrently started runs into exactly one delivery per resident', async () => {
    const place = await newPlace(database.db);
    await insertResidents(
      ctx(),
      Array.from({ length: 30 }, () => ({ communityId: place.community.id })),
    );
    const campaign = await notice({ communityIds: [place.community.id] });
    const results = await Promise.all(
      [1, 2, 3].map(() => planCampaign(ctx(), { campaign: campaign.id }, env, { batchSize: 7 })),
    );
    expect(results.reduce((sum, r) => sum + r.planned, 0)).toBe(30);
    expect(await deliveriesOf(campaign.id)).toHaveLength(30);
  });

  it('records opted-out residents as skipped and never queues them', async () => {
    const place = await newPlace(database.db);
    const [stays, left] = await insertResidents(ctx(), [
      { communityId: place.community.id },
      { communityId: place.community.id },
    ]);
    await setChannelOptOut(ctx(), {
      residentId: left ?? '',
      channel: 'sms',
      optedOut: true,
      reason: 'reply:TD',
    });
    const campaign = await notice({ communityIds: [place.community.id] });
    const result = await planCampaign(
      ctx(),
      { campaign: campaign.id },
      { ...env, queue: createDeliveryQueue(queues) },
    );
    expect(result).toMatchObject({ queued: 1, skippedOptedOut: 1, enqueued: 1 });
    const rows = await deliveriesOf(campaign.id);
    expect(rows.find((r) => r.residentId === left)).toMatchObject({ status: 'skipped_opted_out' });
    expect(rows.find((r) => r.residentId === stays)).toMatchObject({ status: 'queued' });
    expect(await queues.outbound.getJob(rows.find((r) => r.residentId === left)?.id ?? '')).toBeUndefined();
  });

  it('routes residents who cannot read to a home visit when there is no voice sender, never a text', async () => {
    const place = await newPlace(database.db);
    const [cannotRead, noPhone, prefersVoice] = await insertResidents(ctx(), [
      { communityId: place.community.id, accessibilityNeeds: ['cannot_read', 'blind_low_vision'] },
      { communityId: place.community.id, phone: false },
      { communityId: place.community.id, preferredChannel: 'voice' },
    ]);
    const campaign = await notice({ communityIds: [place.community.id] });
    const result = await planCampaign(ctx(), { campaign: campaign.id }, env);
    expect(result).toMatchObject({ routedToVisit: 2, queued: 1 });
    const rows = await deliveriesOf(campaign.id);
    expect(rows.find((r) => r.residentId === cannotRead)).toMatchObject({
      status: 'routed_to_visit',
      channel: 'voice',
    });
    expect(rows.find((r) => r.residentId === noPhone)).toMatchObject({ status: 'routed_to_visit' });
    // Voice preferred but no voice sender: an SMS is still better than nothing for someone who reads.
    expect(rows.find((r) => r.residentId === prefersVoice)).toMatchObject({
      status: 'queued',
      channel: 'sms',
    });
  });

  it('queues a call for residents who cannot read when a voice sender exists', async () => {
    const place = await newPlace(database.db);
    const [cannotRead] = await insertResidents(ctx(), [
      { communityId: place.community.id, accessibilityNeeds: ['cannot_read'] },
    ]);
    const campaign = await notice({ communityIds: [place.community.id] });
    const voice = recordingSender();
    await planCampaign(
      ctx(),
      { campaign: campaign.id },
      { ...env, senders: { sms, voice }, queue: createDeliveryQueue(queues) },
    );
    const [row] = await deliveriesOf(campaign.id);
    expect(row).toMatchObject({ residentId: cannotRead, channel: 'voice', status: 'queued' });
    expect(await queues.outboundVoice.getJob(row?.id ?? '')).toBeDefined();
    expect(await queues.outbound.getJob(row?.id ?? '')).toBeUndefined();
  });

  it('holds every message, visibly not sent, when no SMS sender is configured', async () => {
    const place = await newPlace(database.db);
    await insertResidents(ctx(), [{ communityId: place.community.id }]);
    const campaign = await notice({ communityIds: [place.community.id] });
    const result = await planCampaign(ctx(), { campaign: campaign.id }, { ...env, senders: {} });
    expect(result).toMatchObject({ held: 1, queued: 0 });
    expect((await deliveriesOf(campaign.id))[0]?.status).toBe('held_no_credentials');
  });

  it('delays the jobs of residents in quiet hours to the minute they end', async () => {
    const place = await newPlace(database.db);
    await insertResidents(ctx(), [{ communityId: place.community.id }]);
    const campaign = await notice({ communityIds: [place.community.id] });
    // 22:30 in Shanghai: the default quiet hours (21:00–08:00) end in 9 h 30 min.
    const night = createTestCtx(database.db, { now: '2026-11-27T14:30:00Z' });
    await planCampaign(night, { campaign: campaign.id }, { ...env, queue: createDeliveryQueue(queues) });
    const [row] = await deliveriesOf(campaign.id);
    const job = await queues.outbound.getJob(row?.id ?? '');
    expect(job?.opts.delay).toBe(9.5 * 3_600_000);
    expect(await job?.getState()).toBe('delayed');
  });

  it('refuses to plan a message that has grown past three segments (the topic title changed)', async () => {
    const topic = await insertTopic(database.db);
    const { campaign } = await createCampaign(
      ctx(),
      {
        kind: 'notice',
        name: '后来变长',
        topicId: topic.id,
        audience: {},
        templates: { 'zh-CN': '{{topicTitle}}' },
      },
      env,
    );
    await database.db
      .update(topics)
      .set({ title: { 'zh-CN': '长'.repeat(200) } })
      .where(eq(topics.id, topic.id));
    await expect(planCampaign(ctx(), { campaign: campaign.id }, env)).rejects.toMatchObject({
      messageKey: 'outreach:errors.tooManySegments',
    });
    expect(await deliveriesOf(campaign.id)).toEqual([]);
  });
});

describe('audience filters', () => {
  let a: Awaited<ReturnType<typeof newPlace>>;
  let b: Awaited<ReturnType<typeof newPlace>>;
  let ids: Record<string, string>;
  let topicId: string;

  beforeAll(async () => {
    a = await newPlace(database.db);
    b = await newPlace(database.db);
    const specs = {
      aPlain: { communityId: a.community.id, gridId: a.grid.id },
      aElderly: { communityId: a.community.id, gridId: a.grid.id, groups: ['elderly' as const] },
      aDeafEn: {
        communityId: a.community.id,
        accessibilityNeeds: ['deaf_hard_of_hearing' as const],
        preferredLocale: 'en' as const,
      },
      bHk: { communityId: b.community.id, gridId: b.grid.id, preferredLocale: 'zh-HK' as const },
      bMigrant: { communityId: b.community.id, groups: ['migrant_worker' as const, 'elderly' as const] },
    };
    const names = Object.keys(specs);
    const inserted = await insertResidents(ctx(), Object.values(specs));
    ids = Object.fromEntries(names.map((n, i) => [n, inserted[i] ?? '']));
    topicId = (await insertTopic(database.db)).id;
    await database.db.insert(topicFollowers).values({ topicId, residentId: ids.bHk ?? '', channel: 'sms' });
  });

  const sorted = (...names: string[]) => names.map((n) => ids[n] ?? '').sort();

  it('selects by community and by grid', async () => {
    expect(await audienceOf({ communityIds: [a.community.id] })).toEqual(
      sorted('aPlain', 'aElderly', 'aDeafEn'),
    );
    expect(await audienceOf({ gridIds: [a.grid.id, b.grid.id] })).toEqual(
      sorted('aPlain', 'aElderly', 'bHk'),
    );
  });

  it('selects by group and by accessibility need', async () => {
    expect(await audienceOf({ groups: ['elderly'], communityIds: [a.community.id, b.community.id] })).toEqual(
      sorted('aElderly', 'bMigrant'),
    );
    expect(
      await audienceOf({ accessibilityNeeds: ['deaf_hard_of_hearing'], communityIds: [a.community.id] }),
    ).toEqual(sorted('aDeafEn'));
  });

  it('selects by language, counting residents without a preference as the default language', async () => {
    expect(await audienceOf({ locales: ['zh-CN'], communityIds: [a.community.id, b.community.id] })).toEqual(
      sorted('aPlain', 'aElderly', 'bMigrant'),
    );
    expect(
      await audienceOf({ locales: ['en', 'zh-HK'], communityIds: [a.community.id, b.community.id] }),
    ).toEqual(sorted('aDeafEn', 'bHk'));
  });

  it('selects followers of a topic, and everyone who took part in it', async () => {
    expect(await audienceOf({ followersOf: [topicId] })).toEqual(sorted('bHk'));
    const other = (await insertTopic(database.db)).id;
    await tookPart(ids.aPlain ?? '', other, 'opinion');
    await tookPart(ids.aElderly ?? '', other, 'vote');
    await tookPart(ids.bMigrant ?? '', other, 'demand');
    await tookPart(ids.aDeafEn ?? '', other, 'answer');
    await tookPart(ids.aPlain ?? '', other, 'vote');
    expect(await audienceOf({ participantsOf: [other] })).toEqual(
      sorted('aPlain', 'aElderly', 'bMigrant', 'aDeafEn'),
    );
  });

  it('combines criteria with AND, and an explicit list replaces the rest', async () => {
    expect(await audienceOf({ communityIds: [b.community.id], groups: ['elderly'] })).toEqual(
      sorted('bMigrant'),
    );
    expect(
      await audienceOf({ residentIds: [ids.aPlain ?? '', ids.bHk ?? ''], communityIds: [randomUUID()] }),
    ).toEqual(sorted('aPlain', 'bHk'));
  });
});

describe('scheduling, cancelling and progress', () => {
  it('plans a scheduled campaign once its time has come', async () => {
    const place = await newPlace(database.db);
    await insertResidents(ctx(), [{ communityId: place.community.id }]);
    const campaign = await notice({ communityIds: [place.community.id] });
    const c = ctx();
    await scheduleCampaign(c, { campaign: campaign.id, scheduledAt: '2026-11-27T06:00:00Z' }, env);
    expect((await planDueCampaigns(c, env)).planned).not.toContain(campaign.code);
    c.clock.set('2026-11-27T06:00:00Z');
    expect((await planDueCampaigns(c, env)).planned).toContain(campaign.code);
    expect(await deliveriesOf(campaign.id)).toHaveLength(1);
    await expect(
      scheduleCampaign(c, { campaign: campaign.id, scheduledAt: '2026-11-28T06:00:00Z' }, env),
    ).rejects.toMatchObject({ code: 'illegal_transition' });
  });

  it('cancels a campaign: waiting deliveries fail as cancelled and their jobs are withdrawn', async () => {
    const place = await newPlace(database.db);
    await insertResidents(ctx(), [{ communityId: place.community.id }, { communityId: place.community.id }]);
    const campaign = await notice({ communityIds: [place.community.id] });
    const queue = createDeliveryQueue(queues);
    await planCampaign(ctx(), { campaign: campaign.id }, { ...env, queue });
    const rows = await deliveriesOf(campaign.id);
    const result = await cancelCampaign(ctx(), { campaign: campaign.code }, { queue });
    expect(result).toMatchObject({ cancelledDeliveries: 2, campaign: { status: 'cancelled' } });
    for (const r of await deliveriesOf(campaign.id))
      expect(r).toMatchObject({ status: 'failed', error: 'cancelled' });
    for (const r of rows) expect(await queues.outbound.getJob(r.id)).toBeUndefined();
    await expect(planCampaign(ctx(), { campaign: campaign.id }, env)).rejects.toMatchObject({
      code: 'illegal_transition',
    });
  });

  it('reports counts per status, the rate over the last minute and when it should finish', async () => {
    const place = await newPlace(database.db);
    await insertResidents(
      ctx(),
      Array.from({ length: 10 }, () => ({ communityId: place.community.id })),
    );
    const campaign = await notice({ communityIds: [place.community.id] });
    const c = ctx();
    await planCampaign(c, { campaign: campaign.id }, env);
    const rows = await deliveriesOf(campaign.id);
    // Four sent over the last 40 seconds: 0.1 per second, six left → 60 s.
    const now = c.clock.now().getTime();
    for (const [i, r] of rows.slice(0, 4).entries()) {
      await database.db
        .update(deliveries)
        .set({ status: i === 0 ? 'delivered' : 'sent', sendingAt: new Date(now - 40_000 + i * 10_000) })
        .where(eq(deliveries.id, r.id));
    }
    const progress = await getCampaignProgress(c, { campaign: campaign.code });
    expect(progress).toMatchObject({
      total: 10,
      pending: 6,
      done: 4,
      counts: { queued: 6, sent: 3, delivered: 1, failed: 0 },
      ratePerSecond: 0.1,
    });
    expect(progress.estimatedFinishAt?.getTime()).toBe(now + 60_000);
  });
});
