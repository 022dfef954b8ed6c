import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPendingPrompt } from '../conversations/get-pending-prompt.ts';
import { handleSmsReply } from '../conversations/handle-sms-reply.ts';
import type { Ctx } from '../core/context.ts';
import { auditLog, deliveries, opinions, pendingPrompts, residents } from '../db/schema.ts';
import { isOptedOut } from '../residents/is-opted-out.ts';
import { setChannelOptOut } from '../residents/set-channel-opt-out.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { cancelCampaign } from './cancel-campaign.ts';
import { createCampaign } from './create-campaign.ts';
import {
  insertResidents,
  insertSurvey,
  insertTopic,
  nextPhone,
  recordingSender,
  testOutreachEnv,
} from './outreach-test-kit.ts';
import { planCampaign } from './plan-campaign.ts';
import { queueOutboundMessage } from './queue-outbound-message.ts';
import { PROMPT_TTL_MS, sendDelivery } from './send-delivery.ts';
import type { Senders } from './sender.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

/** 10:00 in Shanghai: outside the default quiet hours. */
const MORNING = '2026-11-27T02:00:00Z';

async function stored(id: string) {
  const [row] = await database.db.select().from(deliveries).where(eq(deliveries.id, id));
  return row;
}

/** One resident, one notice campaign about a topic, planned: returns the queued delivery. */
async function plannedNotice(
  ctx: Ctx,
  senders: Senders,
  residentValues: Parameters<typeof insertResidents>[1][0] = {},
) {
  const phone = nextPhone();
  const [residentId] = await insertResidents(ctx, [{ ...residentValues, phone }]);
  const topic = await insertTopic(database.db);
  const env = testOutreachEnv({ senders });
  const { campaign } = await createCampaign(
    ctx,
    {
      kind: 'notice',
      name: '公示',
      topicId: topic.id,
      audience: { residentIds: [residentId ?? ''] },
      templates: { 'zh-CN': '议题{{topicCode}}公示中，支持回1，反对回2。' },
    },
    env,
  );
  await planCampaign(ctx, { campaign: campaign.id }, env);
  const [delivery] = await database.db
    .select()
    .from(deliveries)
    .where(eq(deliveries.campaignId, campaign.id));
  if (!delivery) throw new Error('not planned');
  return { delivery, residentId: residentId ?? '', phone, topic, campaign };
}

describe('sendDelivery', () => {
  it('sends with the decrypted number, marks the delivery sent and remembers the topic notice for replies', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender({ ok: true, providerId: 'SM1' });
    const { delivery, residentId, phone, topic, campaign } = await plannedNotice(ctx, { sms });
    const result = await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } });
    expect(result).toEqual({ outcome: 'sent', providerId: 'SM1-1', possibleDuplicate: false });
    expect(sms.sent).toHaveLength(1);
    expect(sms.sent[0]).toMatchObject({
      outboxId: delivery.id,
      to: phone,
      body: delivery.body,
      locale: 'zh-CN',
    });
    expect(await stored(delivery.id)).toMatchObject({
      status: 'sent',
      providerId: 'SM1-1',
      attempts: 1,
      possibleDuplicate: false,
      sendingAt: new Date(MORNING),
      sentAt: new Date(MORNING),
    });
    const [prompt] = await database.db
      .select()
      .from(pendingPrompts)
      .where(eq(pendingPrompts.residentId, residentId));
    expect(prompt).toMatchObject({
      kind: 'topic_notice',
      topicId: topic.id,
      campaignId: campaign.id,
      deliveryId: delivery.id,
      expiresAt: new Date(new Date(MORNING).getTime() + PROMPT_TTL_MS),
    });
    expect(await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } })).toEqual({
      outcome: 'skipped',
      status: 'sent',
    });
    expect(sms.sent).toHaveLength(1);
  });

  it('after a notice that asks nothing (a meeting called), a bare "1" no longer counts as support', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender({ ok: true, providerId: 'SM1' });
    const { delivery, residentId, phone, topic } = await plannedNotice(ctx, { sms });
    await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } });
    expect(await getPendingPrompt(ctx, { residentId })).toMatchObject({ kind: 'topic_notice' });

    const env = testOutreachEnv({ senders: { sms } });
    const { campaign: meeting } = await createCampaign(
      ctx,
      {
        kind: 'notice',
        name: '协商会通知',
        topicId: topic.id,
        audience: { residentIds: [residentId] },
        templates: { 'zh-CN': '议题{{topicCode}}协商会周六在社区活动室举行。欢迎参加。' },
        asksStance: false,
      },
      env,
    );
    await planCampaign(ctx, { campaign: meeting.id }, env);
    const [meetingDelivery] = await database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.campaignId, meeting.id));
    await sendDelivery(ctx, { deliveryId: meetingDelivery!.id }, { senders: { sms } });
    expect(await getPendingPrompt(ctx, { residentId })).toBeUndefined();

    const reply = await handleSmsReply(createTestCtx(database.db, { now: MORNING }), {
      messageSid: `SM${delivery.id.replaceAll('-', '')}`,
      from: phone,
      body: '1',
      receivedAt: new Date(MORNING),
      helpPhone: '12345',
    });
    expect(reply.kind).not.toBe('opinion');
    expect(await database.db.select().from(opinions).where(eq(opinions.topicId, topic.id))).toEqual([]);
  });

  it('leaves the first survey question pending after a survey goes out', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender();
    const [residentId] = await insertResidents(ctx, [{}]);
    const { survey, questions } = await insertSurvey(database.db, { kinds: ['satisfaction', 'yes_no'] });
    const env = testOutreachEnv({ senders: { sms } });
    const { campaign } = await createCampaign(
      ctx,
      {
        kind: 'survey',
        name: '调查',
        surveyId: survey.id,
        audience: { residentIds: [residentId ?? ''] },
        templates: { 'zh-CN': '请评价' },
      },
      env,
    );
    await planCampaign(ctx, { campaign: campaign.id }, env);
    const [delivery] = await database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.campaignId, campaign.id));
    await sendDelivery(ctx, { deliveryId: delivery?.id ?? '' }, { senders: { sms } });
    const [prompt] = await database.db
      .select()
      .from(pendingPrompts)
      .where(eq(pendingPrompts.residentId, residentId ?? ''));
    expect(prompt).toMatchObject({
      kind: 'survey_question',
      surveyId: survey.id,
      questionId: questions[0]?.id,
    });
  });

  it('re-checks the opt-out at send time: a resident who replied TD after planning gets nothing', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender();
    const { delivery, residentId } = await plannedNotice(ctx, { sms });
    await setChannelOptOut(ctx, { residentId, channel: 'sms', optedOut: true, reason: 'reply:TD' });
    expect(await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } })).toEqual({
      outcome: 'opted_out',
    });
    expect(sms.sent).toEqual([]);
    expect(await stored(delivery.id)).toMatchObject({ status: 'skipped_opted_out', error: 'opted_out' });
  });

  it('defers a delivery in quiet hours to the minute they end, then sends it', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender();
    const { delivery } = await plannedNotice(ctx, { sms });
    // 22:30 in Shanghai.
    ctx.clock.set('2026-11-27T14:30:00Z');
    expect(await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } })).toEqual({
      outcome: 'deferred',
      until: new Date('2026-11-28T00:00:00Z'),
    });
    expect((await stored(delivery.id))?.status).toBe('queued');
    expect(sms.sent).toEqual([]);
    ctx.clock.set('2026-11-28T00:00:00Z');
    expect((await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } })).outcome).toBe('sent');
  });

  it('respects a resident’s own quiet hours and time zone', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender();
    // 10:00 in Shanghai is 13:00 in Sydney (summer time): inside 12:00–14:00 quiet hours there.
    const { delivery } = await plannedNotice(
      ctx,
      { sms },
      {
        timeZone: 'Australia/Sydney',
        quietStartMinute: 12 * 60,
        quietEndMinute: 14 * 60,
      },
    );
    expect(await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } })).toEqual({
      outcome: 'deferred',
      until: new Date('2026-11-27T03:00:00Z'),
    });
  });

  it('sends again a delivery found `sending` (its worker died mid-send), flagged as a possible duplicate', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender();
    const { delivery } = await plannedNotice(ctx, { sms });
    await database.db
      .update(deliveries)
      .set({ status: 'sending', attempts: 1 })
      .where(eq(deliveries.id, delivery.id));
    const result = await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } });
    expect(result).toMatchObject({ outcome: 'sent', possibleDuplicate: true });
    expect(await stored(delivery.id)).toMatchObject({ status: 'sent', possibleDuplicate: true, attempts: 2 });
  });

  it('puts a delivery back in the queue on a transient failure, and fails it on the last attempt', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender({ ok: false, permanent: false, error: 'http_503' });
    const { delivery } = await plannedNotice(ctx, { sms });
    expect(await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } })).toEqual({
      outcome: 'retry',
      error: 'http_503',
    });
    expect(await stored(delivery.id)).toMatchObject({
      status: 'queued',
      error: 'http_503',
      possibleDuplicate: false,
    });
    expect(
      await sendDelivery(ctx, { deliveryId: delivery.id, finalAttempt: true }, { senders: { sms } }),
    ).toEqual({ outcome: 'failed', error: 'http_503' });
    expect(await stored(delivery.id)).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('keeps a delivery `sending` after a timeout, so that the retry is flagged as a possible duplicate', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender((_m, attempt) =>
      attempt === 1
        ? { ok: false, permanent: false, error: 'timeout', uncertain: true }
        : { ok: true, providerId: 'SMok' },
    );
    const { delivery } = await plannedNotice(ctx, { sms });
    expect((await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } })).outcome).toBe(
      'retry',
    );
    expect((await stored(delivery.id))?.status).toBe('sending');
    expect(await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } })).toMatchObject({
      outcome: 'sent',
      possibleDuplicate: true,
    });
  });

  it('on 21610 (opted out at the carrier) fails the delivery for good and opts the resident out', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender({ ok: false, permanent: true, error: '21610', code: '21610' });
    const { delivery, residentId } = await plannedNotice(ctx, { sms });
    expect(await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } })).toEqual({
      outcome: 'failed',
      error: '21610',
    });
    expect(await stored(delivery.id)).toMatchObject({ status: 'failed', error: '21610' });
    expect(await isOptedOut(ctx, { residentId, channel: 'sms' })).toBe(true);
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'resident.opt_out'), eq(auditLog.subjectId, residentId)));
    expect(audit?.data).toEqual({ channel: 'sms', reason: 'provider:21610' });
  });

  it('on 21211 (invalid number) fails the delivery and flags the resident, without the number', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender({ ok: false, permanent: true, error: '21211', code: '21211' });
    const { delivery, residentId, phone } = await plannedNotice(ctx, { sms });
    expect((await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } })).outcome).toBe(
      'failed',
    );
    const [flag] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'resident.flagged'), eq(auditLog.subjectId, residentId)));
    expect(flag?.data).toEqual({
      reason: 'unreachable_number',
      code: '21211',
      channel: 'sms',
      deliveryId: delivery.id,
    });
    expect(JSON.stringify(flag)).not.toContain(phone.slice(3));
    expect(await isOptedOut(ctx, { residentId, channel: 'sms' })).toBe(false);
  });

  it('holds the delivery, visibly not sent, when this process has no sender for the channel', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const { delivery } = await plannedNotice(ctx, { sms: recordingSender() });
    expect(await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: {} })).toEqual({
      outcome: 'held',
    });
    expect((await stored(delivery.id))?.status).toBe('held_no_credentials');
  });

  it('lists a resident who can no longer read texts for a home visit instead of sending', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender();
    const { delivery, residentId } = await plannedNotice(ctx, { sms });
    await database.db
      .update(residents)
      .set({ accessibilityNeeds: ['cannot_read'] })
      .where(eq(residents.id, residentId));
    expect(await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } })).toEqual({
      outcome: 'visit',
    });
    expect((await stored(delivery.id))?.status).toBe('routed_to_visit');
    expect(sms.sent).toEqual([]);
  });

  it('hands a delivery to voice when the resident now prefers calls and a voice sender exists', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender();
    const voice = recordingSender();
    const { delivery, residentId } = await plannedNotice(ctx, { sms });
    await database.db
      .update(residents)
      .set({ preferredChannel: 'voice' })
      .where(eq(residents.id, residentId));
    expect(await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms, voice } })).toEqual({
      outcome: 'rerouted',
      channel: 'voice',
    });
    expect((await stored(delivery.id))?.channel).toBe('voice');
    expect((await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms, voice } })).outcome).toBe(
      'sent',
    );
    expect(voice.sent).toHaveLength(1);
    expect(sms.sent).toHaveLength(0);
  });

  it('sends nothing for a cancelled campaign', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender();
    const { delivery, campaign } = await plannedNotice(ctx, { sms });
    await database.db.update(deliveries).set({ status: 'sending' }).where(eq(deliveries.id, delivery.id));
    await cancelCampaign(ctx, { campaign: campaign.id }, {});
    expect(await sendDelivery(ctx, { deliveryId: delivery.id }, { senders: { sms } })).toEqual({
      outcome: 'skipped',
      status: 'failed',
    });
    expect(await stored(delivery.id)).toMatchObject({ status: 'failed', error: 'cancelled' });
    expect(sms.sent).toEqual([]);
  });

  it('sends a message the resident asked for (a code) to the channel asked, whatever their preference', async () => {
    const ctx = createTestCtx(database.db, { now: MORNING });
    const sms = recordingSender();
    const [residentId] = await insertResidents(ctx, [{ accessibilityNeeds: ['cannot_read'] }]);
    const row = await queueOutboundMessage(
      ctx,
      {
        channel: 'sms',
        residentId: residentId ?? '',
        locale: 'zh-CN',
        body: '验证码 123456',
        purpose: 'test:code:1',
      },
      { sms },
    );
    expect((await sendDelivery(ctx, { deliveryId: row.id }, { senders: { sms } })).outcome).toBe('sent');
  });

  it('sends a message the resident is waiting for (a code) at once, even in their quiet hours', async () => {
    // 22:30 in Shanghai: a campaign notice would wait until 08:00.
    const ctx = createTestCtx(database.db, { now: '2026-11-27T14:30:00Z' });
    const sms = recordingSender();
    const [residentId] = await insertResidents(ctx, [{}]);
    const row = await queueOutboundMessage(
      ctx,
      {
        channel: 'sms',
        residentId: residentId ?? '',
        locale: 'zh-CN',
        body: '验证码 654321',
        purpose: 'test:code:2',
      },
      { sms },
    );
    expect((await sendDelivery(ctx, { deliveryId: row.id }, { senders: { sms } })).outcome).toBe('sent');
    expect(sms.sent).toHaveLength(1);
  });

  it('reports a delivery that does not exist (yet) as missing', async () => {
    const ctx = createTestCtx(database.db);
    expect(
      await sendDelivery(ctx, { deliveryId: '00000000-0000-4000-8000-000000000001' }, { senders: {} }),
    ).toEqual({ outcome: 'missing' });
  });
});
