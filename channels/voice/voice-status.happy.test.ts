import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, campaigns, voiceCalls } from '../../src/db/schema.ts';
import { updateCampaignStatuses } from '../../src/outreach/update-campaign-statuses.ts';
import { createCallSlots } from '../../src/runtime/outbound-call-slots.ts';
import { createQueues, type Queues } from '../../src/runtime/queues.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { newCallSid } from '../sms/twilio-test-kit.ts';
import {
  createVoiceOutboundHarness,
  deliveryRow,
  MORNING,
  placeCampaignCall,
  postCallStatus,
  ScriptedCall,
  setDeliveryStatus,
  type VoiceDeliveryFixture,
  type VoiceOutboundHarness,
} from './voice-outbound-test-kit.ts';

const TWO_HOURS = 2 * 60 * 60_000;

let database: TestDatabase;
let h: VoiceOutboundHarness;
let queues: Queues;

beforeAll(async () => {
  database = await createTestDatabase();
  h = await createVoiceOutboundHarness(database);
  queues = createQueues(h.deps.redis, h.prefix);
});

afterAll(async () => {
  await queues?.outboundVoice.obliterate({ force: true }).catch(() => undefined);
  await queues?.close();
  await h?.close();
  await database?.close();
});

function status(fixture: VoiceDeliveryFixture, callSid: string, callStatus: string, extra = {}, attempt = 1) {
  return postCallStatus(h.app, {
    deliveryId: fixture.deliveryId,
    attempt,
    callSid,
    to: fixture.phone,
    status: callStatus,
    extra,
  });
}

describe('call status callbacks', () => {
  it('move the delivery forward only, whatever order they come in', async () => {
    h.deps.clock.set(MORNING);
    const fixture = await placeCampaignCall(h);
    const sid = newCallSid();
    expect((await status(fixture, sid, 'completed', { CallDuration: '95' })).status).toBe(204);
    for (const late of ['ringing', 'initiated', 'in-progress', 'no-answer']) {
      expect((await status(fixture, sid, late)).status).toBe(204);
    }
    const row = await deliveryRow(h, fixture.deliveryId);
    expect(row.status).toBe('delivered');
    expect(row.error).toBeNull();
    expect(row.finishedAt).not.toBeNull();
  });

  it('mark a call still being placed as sent when it starts ringing', async () => {
    const fixture = await placeCampaignCall(h);
    await setDeliveryStatus(h, fixture.deliveryId, { status: 'sending' });
    await status(fixture, newCallSid(), 'ringing');
    expect((await deliveryRow(h, fixture.deliveryId)).status).toBe('sent');
  });

  it('put an unanswered call back in the queue for another call two hours later', async () => {
    h.deps.clock.set(MORNING);
    const fixture = await placeCampaignCall(h);
    const slots = createCallSlots(h.deps.redis, { prefix: h.prefix, capacity: 5 });
    expect(await slots.acquire(fixture.deliveryId)).toBe(true);

    expect((await status(fixture, newCallSid(), 'no-answer')).status).toBe(204);

    const row = await deliveryRow(h, fixture.deliveryId);
    expect(row).toMatchObject({ status: 'queued', error: 'call_no_answer', attempts: 1 });
    const job = await queues.outboundVoice.getJob(fixture.deliveryId);
    expect(await job?.getState()).toBe('delayed');
    expect(job?.opts.delay).toBe(TWO_HOURS);
    // The call is over: its slot is free for the next one.
    expect(await slots.inUse()).toBe(0);
  });

  it('never schedule the next call inside the resident’s quiet hours', async () => {
    // 20:30 in Shanghai: two hours later is 22:30, inside 21:00–08:00, so the call waits for 08:00.
    h.deps.clock.set('2030-06-05T12:30:00Z');
    const fixture = await placeCampaignCall(h);
    await status(fixture, newCallSid(), 'busy');
    const row = await deliveryRow(h, fixture.deliveryId);
    expect(row).toMatchObject({ status: 'queued', error: 'call_busy' });
    const job = await queues.outboundVoice.getJob(fixture.deliveryId);
    const nextMorning = new Date('2030-06-06T00:00:00Z').getTime();
    expect(job?.opts.delay).toBe(nextMorning - h.deps.clock.now().getTime());
    h.deps.clock.set(MORNING);
  });

  it('fail the delivery once the last allowed call went unanswered', async () => {
    const fixture = await placeCampaignCall(h);
    await setDeliveryStatus(h, fixture.deliveryId, { attempts: 3 });
    await status(fixture, newCallSid(), 'no-answer', {}, 3);
    const row = await deliveryRow(h, fixture.deliveryId);
    expect(row).toMatchObject({ status: 'failed', error: 'call_no_answer' });
    expect(await queues.outboundVoice.getJob(fixture.deliveryId)).toBeUndefined();
  });

  it('ignore a late callback of an earlier call once the next one is placed', async () => {
    const fixture = await placeCampaignCall(h);
    await setDeliveryStatus(h, fixture.deliveryId, { attempts: 2 });
    await status(fixture, newCallSid(), 'no-answer', {}, 1);
    expect(await deliveryRow(h, fixture.deliveryId)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('schedule one next call however often the same no-answer is reported', async () => {
    const fixture = await placeCampaignCall(h);
    const sid = newCallSid();
    await status(fixture, sid, 'no-answer');
    const before = await deliveryRow(h, fixture.deliveryId);
    h.deps.clock.advance(60_000);
    await status(fixture, sid, 'no-answer');
    const after = await deliveryRow(h, fixture.deliveryId);
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(after.status).toBe('queued');
  });

  it('note a voicemail left with an answering machine, and end the call’s own record', async () => {
    const fixture = await placeCampaignCall(h);
    const call = new ScriptedCall(h.app, fixture.phone);
    await call.answer(fixture.deliveryId, 'machine_end_beep');
    await status(fixture, call.callSid, 'completed', { AnsweredBy: 'machine_end_beep' });
    expect(await deliveryRow(h, fixture.deliveryId)).toMatchObject({
      status: 'delivered',
      error: 'voicemail',
    });
    const [record] = await database.db.select().from(voiceCalls).where(eq(voiceCalls.callSid, call.callSid));
    expect(record?.status).toBe('completed');
    expect(record?.endedAt).not.toBeNull();
  });

  it('fail at once on a number that can never be called, and flag the resident', async () => {
    const fixture = await placeCampaignCall(h);
    await status(fixture, newCallSid(), 'failed', { ErrorCode: '21217' });
    expect(await deliveryRow(h, fixture.deliveryId)).toMatchObject({ status: 'failed', error: '21217' });
    expect(await queues.outboundVoice.getJob(fixture.deliveryId)).toBeUndefined();
    const flags = await database.db
      .select({ data: auditLog.data })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'resident.flagged'), eq(auditLog.subjectId, fixture.residentId)));
    expect(flags.map((f) => f.data)).toEqual([
      expect.objectContaining({ reason: 'unreachable_number', code: '21217', channel: 'voice' }),
    ]);
  });

  it('keep the campaign open while a call rings or waits to be made again', async () => {
    const fixture = await placeCampaignCall(h);
    const system = { ...h.staffCtx, actor: { type: 'system', job: 'test' } } as const;
    const statusOf = async () =>
      (await database.db.select().from(campaigns).where(eq(campaigns.id, fixture.campaignId)))[0]?.status;
    await updateCampaignStatuses(system);
    expect(await statusOf()).toBe('sending');
    await status(fixture, newCallSid(), 'no-answer');
    await updateCampaignStatuses(system);
    expect(await statusOf()).toBe('sending');
    await setDeliveryStatus(h, fixture.deliveryId, { status: 'sent', attempts: 2 });
    await status(fixture, newCallSid(), 'completed', {}, 2);
    await updateCampaignStatuses(system);
    expect(await statusOf()).toBe('completed');
  });

  it('follow an inbound call’s status when the number reports it here', async () => {
    const call = new ScriptedCall(h.app, '+8610690000456');
    await database.db.insert(voiceCalls).values({
      callSid: call.callSid,
      direction: 'inbound',
      status: 'in-progress',
      startedAt: h.deps.clock.now(),
    });
    const res = await call.post('/channels/voice/status', { CallStatus: 'completed', CallDuration: '30' });
    expect(res.status).toBe(204);
    const [record] = await database.db.select().from(voiceCalls).where(eq(voiceCalls.callSid, call.callSid));
    expect(record?.status).toBe('completed');
  });
});
