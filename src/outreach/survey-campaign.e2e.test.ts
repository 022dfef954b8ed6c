/**
 * A satisfaction survey from plan to results, through the real pieces: the campaign planner, BullMQ
 * workers on the real Redis, the Twilio SMS sender with the real `twilio` SDK talking to a stand-in of
 * Twilio's REST API that validates every request against Twilio's own OpenAPI contract, signed status
 * callbacks, and signed inbound replies through the SMS webhook.
 */
import { randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStaff } from '../../channels/console/console-test-kit.ts';
import {
  postSignedWebhook,
  smsWebhookParams,
  TEST_PUBLIC_BASE_URL,
  TEST_TWILIO_ACCOUNT_SID,
  twilioTestEnv,
} from '../../channels/sms/twilio-test-kit.ts';
import { createApp } from '../app.ts';
import { newSurvey, newTopic } from '../conversations/conversation-test-kit.ts';
import { ManualClock } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { silentLogger } from '../core/logger.ts';
import {
  type DeliveryStatus,
  deliveries,
  type Locale,
  residents,
  type SatisfactionLevel,
} from '../db/schema.ts';
import { buildDemoResidents, type DemoResident } from '../demo/demo-residents.ts';
import { isOptedOut } from '../residents/is-opted-out.ts';
import { setChannelOptOut } from '../residents/set-channel-opt-out.ts';
import { createRedis } from '../runtime/create-app-deps.ts';
import { outreachEnvFor } from '../runtime/delivery-queue.ts';
import { configuredSenders } from '../runtime/run-process.ts';
import { type RunningWorkers, startWorkers } from '../runtime/workers.ts';
import { type PrismTwilio, type RecordedTwilioRequest, startPrismTwilio } from '../testing/prism-twilio.ts';
import { createTestAppDeps, type TestAppDeps } from '../testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { createCampaign } from './create-campaign.ts';
import { getSurveyResults } from './get-survey-results.ts';
import { planCampaign } from './plan-campaign.ts';

const SMS_FROM = '+8610690000123';
// 10:00 in Shanghai, years ahead of the machine's clock: a job delayed to the end of quiet hours by
// this clock stays delayed in Redis until the test promotes it.
const MORNING = '2030-06-03T02:00:00Z';
// Night-shift workers who sleep in the morning: quiet 09:00–12:00 local time.
const MORNING_QUIET = { quietStartMinute: 9 * 60, quietEndMinute: 12 * 60 };
const AFTER_MORNING_QUIET = '2030-06-03T04:01:00Z';

/** Replies in the forms residents really use, and what each should count as. */
const REPLIES: { body: string; means: SatisfactionLevel | 'skipped' | 'opt_out' }[] = [
  { body: '1', means: 'very_satisfied' },
  { body: '１', means: 'very_satisfied' },
  { body: '满意', means: 'satisfied' },
  { body: '很不满意', means: 'very_dissatisfied' },
  { body: '跳过', means: 'skipped' },
  { body: 'TD', means: 'opt_out' },
  { body: '一', means: 'very_satisfied' },
  { body: '3', means: 'basically_satisfied' },
  { body: '基本满意', means: 'basically_satisfied' },
  { body: '4', means: 'dissatisfied' },
  { body: '滿意', means: 'satisfied' },
  { body: ' 2 ', means: 'satisfied' },
];
/** Residents 0–1 are reported undelivered; 2–41 reply; 42–49 stay silent. */
const UNDELIVERED = 2;
const REPLYING = 40;

interface Person {
  id: string;
  phone: string;
  locale: Locale;
}

let database: TestDatabase;
let redis: Redis;
let deps: TestAppDeps;
let prism: PrismTwilio;
let workers: RunningWorkers;
let app: ReturnType<typeof createApp>;
let staffCtx: Ctx;
const clock = new ManualClock(MORNING);
const prefix = `gw-e2e-${randomBytes(4).toString('hex')}`;

let daytime: Person[] = [];
let optedOut: Person[] = [];
let sleeping: Person[] = [];
let surveyId: string;
let campaignCode: string;

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function insertResident(demo: DemoResident, overrides: Partial<typeof residents.$inferInsert> = {}) {
  const phone = demo.phone as string;
  const [row] = await database.db
    .insert(residents)
    .values({
      name: demo.name,
      phoneCipher: deps.pii.encryptPhone(phone),
      phoneHash: deps.pii.phoneHash(phone),
      groups: demo.groups,
      preferredLocale: demo.preferredLocale,
      preferredChannel: 'sms',
      quietStartMinute: 21 * 60,
      quietEndMinute: 8 * 60,
      ...overrides,
    })
    .returning({ id: residents.id });
  if (!row) throw new Error('resident not inserted');
  return { id: row.id, phone, locale: demo.preferredLocale };
}

async function deliveryOf(residentId: string) {
  const [row] = await database.db.select().from(deliveries).where(eq(deliveries.residentId, residentId));
  if (!row) throw new Error(`no delivery for resident ${residentId}`);
  return row;
}

async function statusesOf(people: Person[]): Promise<DeliveryStatus[]> {
  return Promise.all(people.map(async (p) => (await deliveryOf(p.id)).status));
}

function requestsTo(people: Person[]): RecordedTwilioRequest[] {
  const phones = new Set(people.map((p) => p.phone));
  return prism.messageRequests().filter((r) => phones.has(r.form.get('To') ?? ''));
}

function callbackPath(request: RecordedTwilioRequest): string {
  const url = request.form.get('StatusCallback') ?? '';
  expect(url.startsWith(`${TEST_PUBLIC_BASE_URL}/`)).toBe(true);
  return url.slice(TEST_PUBLIC_BASE_URL.length);
}

function postStatus(request: RecordedTwilioRequest, status: string, errorCode?: string): Promise<Response> {
  const sid = 'SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  return postSignedWebhook(app, {
    path: callbackPath(request),
    params: {
      ApiVersion: '2010-04-01',
      MessageStatus: status,
      SmsStatus: status,
      MessageSid: sid,
      SmsSid: sid,
      AccountSid: TEST_TWILIO_ACCOUNT_SID,
      From: SMS_FROM,
      To: request.form.get('To') ?? '',
      ...(errorCode ? { ErrorCode: errorCode } : {}),
    },
  });
}

beforeAll(async () => {
  prism = await startPrismTwilio();
  database = await createTestDatabase();
  redis = createRedis('redis://127.0.0.1:6379', silentLogger());
  deps = createTestAppDeps(database, {
    env: { ...twilioTestEnv(), TWILIO_SMS_FROM: SMS_FROM, TWILIO_API_BASE_URL: prism.baseUrl },
    redis,
    clock,
  });
  // The senders exactly as a started process builds them from its configuration.
  deps.senders = configuredSenders(deps.config, deps.log);
  workers = startWorkers(deps, {
    senders: deps.senders,
    prefix,
    outboundPerSecond: null,
    maintenance: false,
    retryDelayMs: 200,
  });
  app = createApp(deps);

  const staff = await makeStaff(deps, ['community_secretary']);
  staffCtx = {
    actor: { type: 'staff', staffId: staff.id, roles: ['community_secretary'] },
    db: database.db,
    clock,
    log: deps.log,
    pii: deps.pii,
  };

  const candidates = buildDemoResidents().filter(
    (r) =>
      r.phone !== null &&
      r.preferredChannel === 'sms' &&
      !r.accessibilityNeeds.includes('cannot_read') &&
      r.optOuts.length === 0,
  );
  expect(candidates.length).toBeGreaterThanOrEqual(57);
  daytime = [];
  for (const demo of candidates.slice(0, 50)) daytime.push(await insertResident(demo));
  optedOut = [];
  for (const demo of candidates.slice(50, 53)) {
    const person = await insertResident(demo);
    await setChannelOptOut(staffCtx, {
      residentId: person.id,
      channel: 'sms',
      optedOut: true,
      reason: 'reply:TD',
    });
    optedOut.push(person);
  }
  sleeping = [];
  for (const demo of candidates.slice(53, 57)) sleeping.push(await insertResident(demo, MORNING_QUIET));

  const topic = await newTopic(database.db, 'evaluating');
  const { survey } = await newSurvey(
    database.db,
    [
      {
        kind: 'satisfaction',
        prompt: {
          'zh-CN': '您对加装电梯工作满意吗？',
          'zh-HK': '您對加裝電梯工作滿意嗎？',
          en: 'Are you satisfied with the new lift?',
        },
      },
    ],
    topic.id,
  );
  surveyId = survey.id;
  const { campaign } = await createCampaign(
    staffCtx,
    {
      kind: 'survey',
      name: '加装电梯满意度测评',
      topicId: topic.id,
      surveyId: survey.id,
      audience: { residentIds: [...daytime, ...optedOut, ...sleeping].map((p) => p.id) },
      templates: {
        'zh-CN': '{{topicCode}}已完工。',
        'zh-HK': '{{topicCode}}已完工。',
        en: '{{topicCode}} is done.',
      },
    },
    { i18n: deps.i18n, defaultLocale: deps.config.defaultLocale },
  );
  campaignCode = campaign.code;
}, 120_000);

afterAll(async () => {
  await workers?.close();
  if (workers) {
    await workers.queues.outbound.obliterate({ force: true }).catch(() => undefined);
    await workers.queues.outboundVoice.obliterate({ force: true }).catch(() => undefined);
    await workers.queues.maintenance.obliterate({ force: true }).catch(() => undefined);
  }
  await redis?.quit().catch(() => redis.disconnect());
  await deps?.close();
  await database?.close();
  await prism?.stop();
});

describe('a satisfaction survey to 50 residents by SMS, end to end', () => {
  it('plans the campaign and sends exactly 50 contract-valid Messages requests, one per reachable resident', async () => {
    const planned = await planCampaign(
      staffCtx,
      { campaign: campaignCode },
      outreachEnvFor(deps, workers.queues),
    );
    expect(planned).toMatchObject({ planned: 57, queued: 54, skippedOptedOut: 3, enqueued: 54 });

    await until(
      '50 deliveries sent',
      () => statusesOf(daytime),
      (s) => s.every((x) => x === 'sent'),
    );
    const requests = prism.messageRequests();
    expect(requests).toHaveLength(50);
    expect(requests.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    expect(new Set(requests.map((r) => r.form.get('To')))).toEqual(new Set(daytime.map((p) => p.phone)));
    for (const person of daytime) {
      const [request] = requestsTo([person]);
      const delivery = await deliveryOf(person.id);
      expect(request?.path).toMatch(/^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Messages\.json$/);
      expect(request?.form.get('From')).toBe(SMS_FROM);
      expect(request?.form.get('Body')).toBe(delivery.body);
      // The status callback names the delivery: every message gets the same sid from the stand-in.
      expect(callbackPath(request as RecordedTwilioRequest)).toBe(`/channels/sms/status?d=${delivery.id}`);
      expect(delivery.providerId).toMatch(/^SM[0-9a-f]{32}$/i);
    }
    // Each resident reads the survey in their own language, with the question and how to opt out.
    const question: Record<Locale, string> = {
      'zh-CN': '您对加装电梯工作满意吗？',
      'zh-HK': '您對加裝電梯工作滿意嗎？',
      en: 'Are you satisfied with the new lift?',
    };
    for (const person of daytime) {
      const body = requestsTo([person])[0]?.form.get('Body') ?? '';
      expect(body).toContain(question[person.locale]);
      expect(body).toMatch(/(?<![A-Za-z])TD(?![A-Za-z])/);
    }
    expect(new Set(daytime.map((p) => p.locale)).size).toBeGreaterThan(1);
  });

  it('sends nothing to residents who opted out', async () => {
    expect(requestsTo(optedOut)).toEqual([]);
    expect(await statusesOf(optedOut)).toEqual([
      'skipped_opted_out',
      'skipped_opted_out',
      'skipped_opted_out',
    ]);
  });

  it('holds residents in their quiet hours as delayed jobs, not sent and not dropped', async () => {
    expect(requestsTo(sleeping)).toEqual([]);
    expect(await statusesOf(sleeping)).toEqual(['queued', 'queued', 'queued', 'queued']);
    for (const person of sleeping) {
      const delivery = await deliveryOf(person.id);
      expect(await workers.queues.outbound.getJobState(delivery.id)).toBe('delayed');
    }
  });

  it('moves deliveries forward on signed status callbacks, whatever order they come in', async () => {
    for (const [i, person] of daytime.entries()) {
      const request = requestsTo([person])[0] as RecordedTwilioRequest;
      if (i < UNDELIVERED) {
        expect((await postStatus(request, 'undelivered', '30003')).status).toBe(204);
      } else if (i % 5 === 0) {
        // Out of order: delivered overtakes sent.
        expect((await postStatus(request, 'delivered')).status).toBe(204);
        expect((await postStatus(request, 'sent')).status).toBe(204);
      } else {
        expect((await postStatus(request, 'sent')).status).toBe(204);
        expect((await postStatus(request, 'delivered')).status).toBe(204);
      }
    }
    const statuses = await statusesOf(daytime);
    expect(statuses.slice(0, UNDELIVERED)).toEqual(['undelivered', 'undelivered']);
    expect(statuses.slice(UNDELIVERED).every((s) => s === 'delivered')).toBe(true);
    expect((await deliveryOf(daytime[0]!.id)).error).toBe('30003');
  });

  it('understands replies in every form and counts them into the survey results', async () => {
    const expected: Record<SatisfactionLevel | 'skipped', number> = {
      very_satisfied: 0,
      satisfied: 0,
      basically_satisfied: 0,
      dissatisfied: 0,
      very_dissatisfied: 0,
      skipped: 0,
    };
    const optingOut: Person[] = [];
    for (let i = 0; i < REPLYING; i += 1) {
      const person = daytime[UNDELIVERED + i] as Person;
      const reply = REPLIES[i % REPLIES.length]!;
      const response = await postSignedWebhook(app, {
        path: '/channels/sms/inbound',
        params: smsWebhookParams({ from: person.phone, body: reply.body, to: SMS_FROM }),
      });
      expect(response.status, `reply ${JSON.stringify(reply.body)}`).toBe(200);
      if (reply.means === 'opt_out') optingOut.push(person);
      else expected[reply.means] += 1;
    }

    const results = await getSurveyResults(staffCtx, { surveyId });
    const [survey] = results.surveys;
    const { skipped, ...levels } = expected;
    const answers = Object.values(levels).reduce((a, b) => a + b, 0);
    const satisfied = levels.very_satisfied + levels.satisfied + levels.basically_satisfied;
    expect(survey?.satisfaction.counts).toEqual(levels);
    expect(survey?.satisfaction.answers).toBe(answers);
    expect(survey?.satisfaction.satisfied).toBe(satisfied);
    expect(survey?.satisfaction.rate).toBeCloseTo(satisfied / answers, 10);
    expect(survey?.questions[0]?.counts.skipped).toBe(skipped);
    // Everyone who answered or skipped responded; those who opted out did not.
    expect(survey?.respondents).toBe(answers + skipped);
    expect(survey?.deliveriesSent).toBe(50 - UNDELIVERED);
    expect(survey?.responseRate).toBeCloseTo((answers + skipped) / (50 - UNDELIVERED), 10);
    expect(results.byTopic[0]?.satisfaction.rate).toBeCloseTo(satisfied / answers, 10);
    expect(results.byDepartment[0]?.satisfaction.rate).toBeCloseTo(satisfied / answers, 10);

    expect(optingOut.length).toBeGreaterThan(0);
    for (const person of optingOut) {
      expect(await isOptedOut(staffCtx, { residentId: person.id, channel: 'sms' })).toBe(true);
    }
  });

  it('keeps deferring residents in quiet hours, then sends to them once their quiet hours end', async () => {
    const jobs = await Promise.all(
      sleeping.map(async (p) => (await workers.queues.outbound.getJob((await deliveryOf(p.id)).id)) as Job),
    );
    // Run them now, while the clock is still inside their quiet hours: they go back to waiting.
    for (const job of jobs) await job.promote();
    for (const job of jobs) {
      await until(
        `job ${job.id} deferred again`,
        () => workers.queues.outbound.getJobState(job.id ?? ''),
        (s) => s === 'delayed',
      );
    }
    expect(requestsTo(sleeping)).toEqual([]);
    expect(await statusesOf(sleeping)).toEqual(['queued', 'queued', 'queued', 'queued']);

    clock.set(AFTER_MORNING_QUIET);
    for (const job of jobs) await (await workers.queues.outbound.getJob(job.id ?? ''))?.promote();
    await until(
      'residents out of quiet hours sent to',
      () => statusesOf(sleeping),
      (s) => s.every((x) => x === 'sent'),
    );
    const late = requestsTo(sleeping);
    expect(late).toHaveLength(4);
    expect(late.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(prism.messageRequests()).toHaveLength(54);
    expect(requestsTo(optedOut)).toEqual([]);
  });
});
