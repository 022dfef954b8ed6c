/**
 * A satisfaction survey by phone from plan to results, through the real pieces: the campaign planner,
 * BullMQ workers on the real Redis with a cap of two calls at once, the Twilio voice sender with the
 * real `twilio` SDK talking to a stand-in of Twilio's REST API that validates every Calls request
 * against Twilio's own OpenAPI contract, and Twilio's side of each call — the answer webhook, the
 * caller's keys and words, status callbacks — as signed requests.
 */
import { randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStaff } from '../../channels/console/console-test-kit.ts';
import { newCallSid, TEST_PUBLIC_BASE_URL, twilioTestEnv } from '../../channels/sms/twilio-test-kit.ts';
import { type CallReply, ScriptedCall, spoken } from '../../channels/voice/voice-outbound-test-kit.ts';
import { createApp } from '../app.ts';
import { getPendingPrompt } from '../conversations/get-pending-prompt.ts';
import { ManualClock } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { silentLogger } from '../core/logger.ts';
import { type DeliveryStatus, deliveries, surveyAnswers } from '../db/schema.ts';
import { createCampaign } from '../outreach/create-campaign.ts';
import { getSurveyResults } from '../outreach/get-survey-results.ts';
import { insertResidents, insertSurvey, insertTopic } from '../outreach/outreach-test-kit.ts';
import { planCampaign } from '../outreach/plan-campaign.ts';
import { createRedis } from '../runtime/create-app-deps.ts';
import { outreachEnvFor } from '../runtime/delivery-queue.ts';
import { createCallSlots } from '../runtime/outbound-call-slots.ts';
import { configuredSenders } from '../runtime/run-process.ts';
import { type RunningWorkers, startWorkers } from '../runtime/workers.ts';
import { type PrismTwilio, type RecordedTwilioRequest, startPrismTwilio } from '../testing/prism-twilio.ts';
import { createTestAppDeps, type TestAppDeps } from '../testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';

const VOICE_FROM = '+8610690000789';
// 10:00 on a Wednesday in Shanghai, years ahead of the machine's clock: a job delayed by this clock
// stays delayed in Redis until the test promotes it.
const MORNING = '2030-06-05T02:00:00Z';
const CAP = 2;

type Script = 'answers' | 'voicemail' | 'no_answer' | 'drops';

interface Person {
  id: string;
  phone: string;
  script: Script;
}

let database: TestDatabase;
let redis: Redis;
let deps: TestAppDeps;
let prism: PrismTwilio;
let workers: RunningWorkers;
let app: ReturnType<typeof createApp>;
let staffCtx: Ctx;
const clock = new ManualClock(MORNING);
const prefix = `gw-calls-${randomBytes(4).toString('hex')}`;
let people: Person[] = [];
let surveyId: string;
let questionIds: string[];
let campaignCode: string;
let mostAtOnce = 0;

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const callRequests = () => prism.requests.filter((r) => r.method === 'POST' && /\/Calls\.json$/.test(r.path));

async function deliveryOf(person: Person) {
  const [row] = await database.db.select().from(deliveries).where(eq(deliveries.residentId, person.id));
  if (!row) throw new Error(`no delivery for ${person.script}`);
  return row;
}

function personCalled(request: RecordedTwilioRequest): Person {
  const person = people.find((p) => p.phone === request.form.get('To'));
  if (!person) throw new Error(`call to an unknown number ${request.form.get('To')}`);
  return person;
}

function relative(url: string): string {
  expect(url.startsWith(`${TEST_PUBLIC_BASE_URL}/`)).toBe(true);
  return url.slice(TEST_PUBLIC_BASE_URL.length);
}

/** Twilio reporting a call's status to the StatusCallback its Calls request named. */
function report(request: RecordedTwilioRequest, call: ScriptedCall, status: string, extra = {}) {
  return call.post(relative(request.form.get('StatusCallback') ?? ''), {
    CallStatus: status,
    CallbackSource: 'call-progress-events',
    ...extra,
  });
}

/** Waits until the worker has finished with the call it placed (the delivery is sent, its job done). */
async function placed(person: Person): Promise<void> {
  const delivery = await until(
    `${person.script} sent`,
    () => deliveryOf(person),
    (d) => d.status === 'sent',
  );
  await until(
    `${person.script} job done`,
    () => workers.queues.outboundVoice.getJob(delivery.id),
    (job) => job === undefined,
  );
}

/** What each resident does when the phone rings, as Twilio would report it. */
async function play(request: RecordedTwilioRequest): Promise<void> {
  const person = personCalled(request);
  await placed(person);
  const call = new ScriptedCall(app, person.phone, newCallSid());
  const answerUrl = relative(request.form.get('Url') ?? '');
  const answer = (answeredBy: string) => call.post(answerUrl, { AnsweredBy: answeredBy });
  switch (person.script) {
    case 'answers': {
      const greeting = await answer('human');
      expect(spoken(greeting)[0]).toMatch(/^您好，这里是.+议事堂。T\d+已完工。想请您回答2个简短的问题。$/);
      let reply: CallReply = await call.follow(greeting);
      reply = await call.press(reply, '1');
      reply = await call.speak(reply, '是的。', 0.87);
      expect(spoken(reply)).toEqual(['好的，记下了。', '问卷答完了，谢谢您的参与！再见。']);
      expect((await report(request, call, 'completed', { CallDuration: '74' })).status).toBe(204);
      // Repeated, and a late progress report after the end: neither changes anything.
      expect((await report(request, call, 'completed', { CallDuration: '74' })).status).toBe(204);
      expect((await report(request, call, 'in-progress')).status).toBe(204);
      return;
    }
    case 'voicemail': {
      const message = await answer('machine_end_beep');
      expect(spoken(message)).toEqual([expect.stringContaining('1 2 3 4 5')]);
      expect(message.twiml.find('Hangup')).toBeDefined();
      await report(request, call, 'completed', { AnsweredBy: 'machine_end_beep', CallDuration: '21' });
      return;
    }
    case 'no_answer':
      await report(request, call, 'no-answer');
      return;
    case 'drops': {
      const first = await call.follow(await answer('human'));
      expect(first.twiml.find('Gather')?.attrs.language).toBe('cmn-Hans-CN');
      await call.speak(first, '基本满意', 0.9);
      await report(request, call, 'completed', { CallDuration: '40' });
      return;
    }
  }
}

beforeAll(async () => {
  prism = await startPrismTwilio();
  database = await createTestDatabase();
  redis = createRedis('redis://127.0.0.1:6379', silentLogger());
  deps = createTestAppDeps(database, {
    env: {
      ...twilioTestEnv(),
      TWILIO_VOICE_FROM: VOICE_FROM,
      TWILIO_API_BASE_URL: prism.baseUrl,
      QUEUE_PREFIX: prefix,
      VOICE_MAX_CONCURRENT_CALLS: String(CAP),
      VOICE_CALL_ATTEMPTS: '3',
      VOICE_RETRY_AFTER_MINUTES: '120',
      HELP_PHONE: '12345',
    },
    redis,
    clock,
  });
  // The senders exactly as a started process builds them from its configuration: calls only.
  deps.senders = configuredSenders(deps.config, deps.log);
  expect(Object.keys(deps.senders)).toEqual(['voice']);
  workers = startWorkers(deps, {
    senders: deps.senders,
    voicePerSecond: null,
    callSlotWaitMs: 100,
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

  const scripts: { script: Script; spec: Parameters<typeof insertResidents>[1][number] }[] = [
    { script: 'answers', spec: { accessibilityNeeds: ['cannot_read'], preferredLocale: 'zh-CN' } },
    { script: 'voicemail', spec: { preferredChannel: 'voice', preferredLocale: 'zh-CN' } },
    { script: 'no_answer', spec: { accessibilityNeeds: ['cannot_read'], groups: ['elderly'] } },
    { script: 'drops', spec: { accessibilityNeeds: ['cannot_read', 'blind_low_vision'] } },
  ];
  people = [];
  for (const { script, spec } of scripts) {
    const phone = `+86137${String(20_000_000 + people.length * 7_919).slice(-8)}`;
    const [id] = await insertResidents(staffCtx, [{ ...spec, phone }]);
    people.push({ id: id as string, phone, script });
  }
  const topic = await insertTopic(database.db, { status: 'evaluating' });
  const survey = await insertSurvey(database.db, { topicId: topic.id, kinds: ['satisfaction', 'yes_no'] });
  surveyId = survey.survey.id;
  questionIds = survey.questions.map((q) => q.id);
  const { campaign } = await createCampaign(
    staffCtx,
    {
      kind: 'survey',
      name: '加装电梯满意度电话回访',
      topicId: topic.id,
      surveyId,
      audience: { residentIds: people.map((p) => p.id) },
      templates: { 'zh-CN': '{{topicCode}}已完工。' },
    },
    { i18n: deps.i18n, defaultLocale: deps.config.defaultLocale },
  );
  campaignCode = campaign.code;
}, 120_000);

afterAll(async () => {
  await workers?.close();
  if (workers) {
    await workers.queues.outboundVoice.obliterate({ force: true }).catch(() => undefined);
    await workers.queues.outbound.obliterate({ force: true }).catch(() => undefined);
    await workers.queues.maintenance.obliterate({ force: true }).catch(() => undefined);
  }
  await redis?.del(`${prefix}:call-slots`).catch(() => 0);
  await redis?.quit().catch(() => redis.disconnect());
  await deps?.close();
  await database?.close();
  await prism?.stop();
});

describe('a survey by phone to residents who cannot read or prefer calls, end to end', () => {
  it('calls each of them with a contract-valid Calls request, never more than two at once', async () => {
    const planned = await planCampaign(
      staffCtx,
      { campaign: campaignCode },
      outreachEnvFor(deps, workers.queues),
    );
    expect(planned).toMatchObject({ planned: 4, queued: 4, enqueued: 4 });
    for (const person of people) expect((await deliveryOf(person)).channel).toBe('voice');

    const slots = createCallSlots(redis, { prefix, capacity: CAP });
    // Two calls go out; the other two are taken up by the workers and put back to wait for a slot.
    await until(
      'two calls placed',
      async () => callRequests().length,
      (n) => n === CAP,
    );
    const notCalled = async () => {
      const called = new Set(callRequests().map((r) => r.form.get('To')));
      const rest = people.filter((p) => !called.has(p.phone));
      return Promise.all(
        rest.map(async (p) => workers.queues.outboundVoice.getJob((await deliveryOf(p)).id)),
      );
    };
    const waiting = await until(
      'the other calls tried and put back to wait for a slot',
      notCalled,
      (jobs) => jobs.length === people.length - CAP && jobs.every((j) => (j?.processedOn ?? 0) > 0),
    );
    expect(waiting).toHaveLength(2);
    expect(callRequests()).toHaveLength(CAP);
    expect(await slots.inUse()).toBe(CAP);

    let ended = 0;
    let handled = 0;
    while (handled < people.length) {
      const requests = await until(
        `call ${handled + 1}`,
        async () => callRequests(),
        (r) => r.length > handled,
      );
      mostAtOnce = Math.max(mostAtOnce, requests.length - ended);
      expect(requests.length - ended).toBeLessThanOrEqual(CAP);
      expect(await slots.inUse()).toBeLessThanOrEqual(CAP);
      await play(requests[handled] as RecordedTwilioRequest);
      handled += 1;
      ended += 1;
    }
    expect(mostAtOnce).toBe(CAP);

    for (const request of callRequests()) {
      expect(request.status).toBe(201);
      expect(request.path).toMatch(/^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Calls\.json$/);
      expect(request.form.get('From')).toBe(VOICE_FROM);
      expect(request.form.get('MachineDetection')).toBe('DetectMessageEnd');
      expect(request.form.get('Method')).toBe('POST');
      expect(request.form.has('StatusCallbackEvent')).toBe(false);
      const delivery = await deliveryOf(personCalled(request));
      expect(relative(request.form.get('Url') ?? '')).toBe(
        `/channels/voice/outbound?delivery=${delivery.id}`,
      );
      expect(relative(request.form.get('StatusCallback') ?? '')).toBe(
        `/channels/voice/status?delivery=${delivery.id}&attempt=1`,
      );
    }
  });

  it('records how each call ended', async () => {
    const byScript = Object.fromEntries(
      await Promise.all(people.map(async (p) => [p.script, await deliveryOf(p)] as const)),
    );
    expect(byScript.answers).toMatchObject({ status: 'delivered', error: null });
    expect(byScript.voicemail).toMatchObject({ status: 'delivered', error: 'voicemail' });
    expect(byScript.drops).toMatchObject({ status: 'delivered' });
    expect(byScript.no_answer).toMatchObject({ status: 'queued', error: 'call_no_answer', attempts: 1 });
    expect(await createCallSlots(redis, { prefix, capacity: CAP }).inUse()).toBe(0);
    // The dropped call kept its first answer; the second question waits for the resident.
    const dropped = people.find((p) => p.script === 'drops') as Person;
    const pending = await getPendingPrompt(staffCtx, { residentId: dropped.id });
    expect(pending?.question?.id).toBe(questionIds[1]);
  });

  it('calls an unanswered resident again later, never in quiet hours, and gives up after three calls', async () => {
    const person = people.find((p) => p.script === 'no_answer') as Person;
    const deliveryId = (await deliveryOf(person)).id;
    const job = async () => (await workers.queues.outboundVoice.getJob(deliveryId)) as Job;
    expect(await (await job()).getState()).toBe('delayed');
    expect((await job()).opts.delay).toBe(2 * 60 * 60_000);
    const callsTo = () => callRequests().filter((r) => r.form.get('To') === person.phone);

    // Two hours later (12:01) the second call goes out; nobody answers it either, at 20:00.
    clock.set('2030-06-05T04:01:00Z');
    await (await job()).promote();
    await until(
      'second call',
      async () => callsTo().length,
      (n) => n === 2,
    );
    const second = callsTo()[1] as RecordedTwilioRequest;
    expect(relative(second.form.get('StatusCallback') ?? '')).toBe(
      `/channels/voice/status?delivery=${deliveryId}&attempt=2`,
    );
    await placed(person);
    clock.set('2030-06-05T12:00:00Z');
    await report(second, new ScriptedCall(app, person.phone), 'no-answer');
    // Two hours after 20:00 is 22:00, inside 21:00–08:00: the next call waits for 08:00.
    expect((await job()).opts.delay).toBe(new Date('2030-06-06T00:00:00Z').getTime() - clock.now().getTime());

    // Run early anyway (at 23:00): the worker sees the quiet hours and puts it back, calling nobody.
    clock.set('2030-06-05T15:00:00Z');
    await (await job()).promote();
    await until(
      'deferred to the morning',
      async () => (await job()).getState(),
      (s) => s === 'delayed',
    );
    expect(callsTo()).toHaveLength(2);
    expect((await deliveryOf(person)).status).toBe('queued');

    clock.set('2030-06-06T00:01:00Z');
    await (await job()).promote();
    await until(
      'third call',
      async () => callsTo().length,
      (n) => n === 3,
    );
    await placed(person);
    await report(callsTo()[2] as RecordedTwilioRequest, new ScriptedCall(app, person.phone), 'busy');
    const final = await deliveryOf(person);
    expect(final).toMatchObject({ status: 'failed', error: 'call_busy', attempts: 3 });
    expect(await workers.queues.outboundVoice.getJob(deliveryId)).toBeUndefined();
  });

  it('counts the answers given by phone into the survey results', async () => {
    const results = await getSurveyResults(staffCtx, { surveyId });
    const [survey] = results.surveys;
    expect(survey?.satisfaction.counts).toMatchObject({ very_satisfied: 1, basically_satisfied: 1 });
    expect(survey?.satisfaction.rate).toBe(1);
    expect(survey?.respondents).toBe(2);
    // Delivered calls: the one answered, the voicemail, the one dropped.
    expect(survey?.deliveriesSent).toBe(3);
    const answers = await database.db
      .select()
      .from(surveyAnswers)
      .where(eq(surveyAnswers.surveyId, surveyId));
    expect(answers.every((a) => a.channel === 'voice')).toBe(true);
    expect(answers.map((a) => a.answer).sort()).toEqual(['basically_satisfied', 'very_satisfied', 'yes']);
    const statuses: DeliveryStatus[] = (await Promise.all(people.map(deliveryOf))).map((d) => d.status);
    expect(statuses.sort()).toEqual(['delivered', 'delivered', 'delivered', 'failed']);
  });
});
