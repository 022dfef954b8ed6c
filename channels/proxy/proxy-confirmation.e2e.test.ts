/**
 * The resident confirms what a proxy wrote, end to end through the real pieces: the console's forms,
 * the outbox and BullMQ workers on the real Redis, the Twilio SMS sender with the real `twilio` SDK
 * talking to a stand-in of Twilio's REST API that validates each request against Twilio's contract,
 * and the resident's replies through the signed inbound SMS webhook. The three-day rule runs as the
 * maintenance job does, on the controllable clock.
 */
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { auditLog, opinions, proxyConfirmations, proxyRecords } from '../../src/db/schema.ts';
import { createRedis } from '../../src/runtime/create-app-deps.ts';
import { runMaintenanceJob } from '../../src/runtime/maintenance-jobs.ts';
import { MAINTENANCE_JOBS } from '../../src/runtime/queues.ts';
import { configuredSenders } from '../../src/runtime/run-process.ts';
import { type RunningWorkers, startWorkers } from '../../src/runtime/workers.ts';
import { verifyAuditChain } from '../../src/staff/verify-audit-chain.ts';
import { type PrismTwilio, startPrismTwilio } from '../../src/testing/prism-twilio.ts';
import { TEST_PII_KEY } from '../../src/testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { SMS_INBOUND_PATH } from '../sms/sms-inbound-app.ts';
import {
  newMessageSid,
  postSignedWebhook,
  smsWebhookParams,
  twilioTestEnv,
  twimlMessages,
} from '../sms/twilio-test-kit.ts';
import {
  createProxyHarness,
  type Member,
  newResident,
  newTopic,
  type ProxyHarness,
  recordThroughForms,
  startVisitThroughForm,
} from './proxy-test-kit.ts';

const SMS_FROM = '+8610690000123';
const DAY = 24 * 60 * 60_000;

let database: TestDatabase;
let redis: Redis;
let prism: PrismTwilio;
let h: ProxyHarness;
let workers: RunningWorkers;
let worker: Member;
let supervisor: Member;
const clock = new ManualClock('2030-06-03T02:00:00Z');

async function until<T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The confirmation texts "Twilio" was asked to send to this number, each accepted by the contract. */
async function textsTo(phone: string, count: number): Promise<string[]> {
  const requests = await until(
    `${count} message(s) to the resident`,
    () => prism.messageRequests().filter((r) => r.form.get('To') === phone),
    (found) => found.length >= count,
  );
  for (const r of requests) expect(r.status, r.responseBody).toBe(201);
  return requests.map((r) => r.form.get('Body') ?? '');
}

/** The resident replies by SMS, through the signed webhook; resolves with the reply texts. */
async function reply(phone: string, body: string): Promise<string[]> {
  const res = await postSignedWebhook(h.app, {
    path: SMS_INBOUND_PATH,
    params: smsWebhookParams({ from: phone, body, messageSid: newMessageSid(), to: SMS_FROM }),
  });
  expect(res.status).toBe(200);
  return twimlMessages(await res.text());
}

async function statusOf(recordId: string) {
  const [row] = await database.db
    .select()
    .from(proxyConfirmations)
    .where(eq(proxyConfirmations.recordId, recordId));
  return row?.status;
}

/** A resident with a phone visited by the grid worker, who records a supported opinion on a topic. */
async function proxiedOpinion(choice = 'support', text?: string) {
  const topic = await newTopic(database.db, 'published');
  const resident = await newResident(h.system, { communityId: h.communityId, name: '李阿姨' });
  await startVisitThroughForm(h, worker, resident.id);
  const { recordId } = await recordThroughForms(h, worker, {
    kind: 'opinion',
    formId: 'opinion',
    topic: topic.code,
    choice,
    ...(text ? { text } : {}),
  });
  await h.endVisit(worker);
  return { topic, resident, phone: resident.phone ?? '', recordId };
}

beforeAll(async () => {
  prism = await startPrismTwilio();
  database = await createTestDatabase();
  redis = createRedis('redis://127.0.0.1:6379', silentLogger());
  const env = { ...twilioTestEnv(), TWILIO_SMS_FROM: SMS_FROM, TWILIO_API_BASE_URL: prism.baseUrl };
  // The senders exactly as a started process builds them from its configuration.
  const senders = configuredSenders(parseConfig({ PII_KEY: TEST_PII_KEY, ...env }), silentLogger());
  h = await createProxyHarness(database, { env, redis, clock, senders });
  workers = startWorkers(h.deps, {
    senders,
    prefix: h.deps.config.queuePrefix,
    outboundPerSecond: null,
    maintenance: false,
    retryDelayMs: 200,
  });
  worker = await h.member(['grid_worker'], { displayName: '王丽' });
  supervisor = await h.member(['supervisor']);
}, 120_000);

afterAll(async () => {
  await workers?.close();
  if (workers) {
    await workers.queues.outbound.obliterate({ force: true }).catch(() => undefined);
    await workers.queues.outboundVoice.obliterate({ force: true }).catch(() => undefined);
    await workers.queues.maintenance.obliterate({ force: true }).catch(() => undefined);
  }
  await h?.deps.close();
  await redis?.quit().catch(() => redis.disconnect());
  await prism?.stop();
  await database?.close();
});

describe('a proxied opinion confirmed by SMS', () => {
  it('asks the resident who wrote what for them; a reply of 2 disputes it and alerts the supervisor', async () => {
    const { topic, phone, recordId } = await proxiedOpinion();
    const [text] = await textsTo(phone, 1);
    expect(text).toBe(
      `【幸福里社区议事堂】网格员王丽6月3日代您提交：支持${topic.code}3号楼加装电梯。属实回1，有误回2。退订回TD`,
    );
    expect(await reply(phone, '2')).toEqual(['谢谢告知！已标记为有误，负责人会尽快核实。']);
    expect(await statusOf(recordId)).toBe('disputed');

    const view = await h.get('/proxy/supervision', supervisor);
    expect(view.html).toContain('王丽为李阿姨代笔');
    expect(view.html).toContain(`/proxy/records/${recordId}`);
    // The disputed opinion is still there, still counted; the dispute sits beside it.
    expect(await database.db.select().from(opinions).where(eq(opinions.topicId, topic.id))).toHaveLength(1);
  });

  it('a reply of 1 (or 属实) confirms it', async () => {
    const first = await proxiedOpinion();
    await textsTo(first.phone, 1);
    expect(await reply(first.phone, '1')).toEqual(['谢谢！已确认代您提交的内容属实。']);
    expect(await statusOf(first.recordId)).toBe('confirmed');

    const second = await proxiedOpinion('oppose');
    await textsTo(second.phone, 1);
    await reply(second.phone, '属实');
    expect(await statusOf(second.recordId)).toBe('confirmed');
  });

  it('silence for three days leaves it unconfirmed, still counted and shown as such', async () => {
    const { topic, phone, recordId } = await proxiedOpinion('suggestion', '电梯井别挡窗户');
    await textsTo(phone, 1);
    clock.advance(3 * DAY - 60_000);
    await runMaintenanceJob(h.deps, workers.queues, MAINTENANCE_JOBS.markUnconfirmedProxyRecords);
    expect(await statusOf(recordId)).toBe('awaiting_reply');
    clock.advance(2 * 60_000);
    const result = await runMaintenanceJob(
      h.deps,
      workers.queues,
      MAINTENANCE_JOBS.markUnconfirmedProxyRecords,
    );
    expect(result.marked).toBeGreaterThanOrEqual(1);
    expect(await statusOf(recordId)).toBe('unconfirmed');
    expect(await database.db.select().from(opinions).where(eq(opinions.topicId, topic.id))).toHaveLength(1);
    // Three days on, everyone signs in again.
    worker = await h.signIn(worker);
    supervisor = await h.signIn(supervisor);
    expect((await h.get(`/proxy/records/${recordId}`, worker)).html).toContain('三天未确认');
  });

  it('two records on one visit: each answer moves on to the next record still waiting', async () => {
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(h.system, { communityId: h.communityId });
    const phone = resident.phone ?? '';
    await startVisitThroughForm(h, worker, resident.id);
    const opinion = await recordThroughForms(h, worker, {
      kind: 'opinion',
      formId: 'opinion',
      topic: topic.code,
      choice: 'support',
    });
    const need = await recordThroughForms(h, worker, { kind: 'need', formId: 'need', text: '楼道灯坏了' });
    await h.endVisit(worker);
    await textsTo(phone, 2);
    // The latest message is the one a bare reply answers; the answer asks about the other.
    expect(await reply(phone, '1')).toEqual([
      `谢谢，已确认。另有一条代您提交：支持${topic.code}3号楼加装电梯。属实回1，有误回2`,
    ]);
    expect(await statusOf(need.recordId)).toBe('confirmed');
    expect(await reply(phone, '不对')).toEqual(['谢谢告知！已标记为有误，负责人会尽快核实。']);
    expect(await statusOf(opinion.recordId)).toBe('disputed');
  });

  it('a resident without a phone gets no message: the record waits for a second visit', async () => {
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(h.system, { communityId: h.communityId, phone: null });
    const before = prism.messageRequests().length;
    await startVisitThroughForm(h, worker, resident.id);
    const { recordId } = await recordThroughForms(h, worker, {
      kind: 'opinion',
      formId: 'opinion',
      topic: topic.code,
      choice: 'support',
    });
    await h.endVisit(worker);
    expect(await statusOf(recordId)).toBe('awaiting_visit');
    const colleague = await h.member(['grid_worker']);
    expect((await h.get('/proxy', colleague)).html).toContain(`/proxy/second-visits/${resident.id}`);
    expect(prism.messageRequests().length).toBe(before);
  });

  it('every proxy action is in the audit chain, which verifies', async () => {
    const [record] = await database.db.select().from(proxyRecords).limit(1);
    const actions = (
      await database.db.select({ action: auditLog.action, subjectId: auditLog.subjectId }).from(auditLog)
    ).filter((a) => a.subjectId === record?.id);
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'proxy.record_submitted',
        'proxy.confirmation_requested',
        'proxy.record_disputed',
      ]),
    );
    const all = new Set(
      (await database.db.select({ action: auditLog.action }).from(auditLog)).map((a) => a.action),
    );
    for (const action of [
      'proxy.visit_started',
      'proxy.visit_ended',
      'intake.proxy_recorded',
      'proxy.record_submitted',
      'proxy.confirmation_requested',
      'proxy.record_confirmed',
      'proxy.record_disputed',
      'proxy.alert_raised',
      'proxy.record_unconfirmed',
      'proxy.visit_list_added',
    ]) {
      expect(all, action).toContain(action);
    }
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });
});
