import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPendingPrompt } from '../../src/conversations/get-pending-prompt.ts';
import { intakes, surveyAnswers, voiceCalls } from '../../src/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { DEAD_LINE_SILENCES } from './inbound-flow.ts';
import {
  type CallReply,
  createVoiceOutboundHarness,
  deliveryRow,
  placeCampaignCall,
  postCallStatus,
  ScriptedCall,
  spoken,
  type VoiceOutboundHarness,
} from './voice-outbound-test-kit.ts';

let database: TestDatabase;
let h: VoiceOutboundHarness;

beforeAll(async () => {
  database = await createTestDatabase();
  h = await createVoiceOutboundHarness(database);
});

afterAll(async () => {
  await h?.close();
  await database?.close();
});

async function answersOf(residentId: string) {
  return database.db.select().from(surveyAnswers).where(eq(surveyAnswers.residentId, residentId));
}

async function startSurvey(questions: ('satisfaction' | 'yes_no' | 'text')[] = ['satisfaction', 'yes_no']) {
  const fixture = await placeCampaignCall(h, { questions });
  const call = new ScriptedCall(h.app, fixture.phone);
  const first = await call.follow(await call.answer(fixture.deliveryId));
  return { fixture, call, first };
}

const SIMPLE = '请按1到5中的一个数字。1是非常满意，5是很不满意。';
const OFFER = '需要工作人员帮忙，请按0。';

describe('a survey call that does not go smoothly', () => {
  it('asks more simply after silence, then offers a person, and never hangs up on someone trying', async () => {
    const { fixture, call, first } = await startSurvey();

    const once = await call.silence(first);
    expect(spoken(once)).toEqual([SIMPLE]);
    expect(once.twiml.find('Gather')).toBeDefined();

    const twice = await call.silence(once);
    expect(spoken(twice)).toEqual([OFFER, SIMPLE]);

    // A caller who keeps trying (words that answer nothing) is asked again, however long it takes.
    let reply: CallReply = twice;
    for (let i = 0; i < 12; i += 1) {
      reply = await call.speak(reply, '我不太明白你的意思');
      expect(reply.twiml.find('Hangup')).toBeUndefined();
      expect(spoken(reply)).toEqual([OFFER, SIMPLE]);
    }
    const answered = await call.press(reply, '3');
    expect(spoken(answered)[0]).toBe('好的，记下了。');
    // The count starts again on the next question.
    const next = await call.silence(answered);
    expect(spoken(next)).toEqual(['是请按1，不是请按2。']);
    expect((await answersOf(fixture.residentId)).map((a) => a.answer)).toEqual(['basically_satisfied']);
    // Words that answered nothing are not stored as answers or as anything else.
    const stored = await database.db.select().from(intakes).where(eq(intakes.residentId, fixture.residentId));
    expect(stored).toHaveLength(1);
  });

  it('says goodbye on a line gone silent, keeping what was answered and the rest pending', async () => {
    const { fixture, call, first } = await startSurvey();
    let reply = await call.press(first, '1');
    for (let i = 1; i < DEAD_LINE_SILENCES; i += 1) {
      reply = await call.silence(reply);
      expect(reply.twiml.find('Hangup')).toBeUndefined();
    }
    const end = await call.silence(reply);
    expect(spoken(end)).toEqual([expect.stringContaining('已经回答的问题都记下了')]);
    expect(spoken(end)[0]).toContain('1 2 3 4 5');
    expect(end.twiml.find('Hangup')).toBeDefined();
    expect((await answersOf(fixture.residentId)).map((a) => a.answer)).toEqual(['very_satisfied']);
    const pending = await getPendingPrompt(h.staffCtx, { residentId: fixture.residentId });
    expect(pending?.question?.id).toBe(fixture.questionIds[1]);
  });

  it('asks again instead of guessing when speech recognition is unsure or a key is out of range', async () => {
    const { fixture, call, first } = await startSurvey();
    const unsure = await call.speak(first, '满意', 0.12);
    expect(spoken(unsure)).toEqual([SIMPLE]);
    const outOfRange = await call.press(unsure, '7');
    expect(spoken(outOfRange)).toEqual([OFFER, SIMPLE]);
    expect(await answersOf(fixture.residentId)).toEqual([]);
  });

  it('does not take keys as the answer to an open question, only words', async () => {
    const { fixture, call, first } = await startSurvey(['text']);
    const keyed = await call.press(first, '1');
    expect(spoken(keyed)).toEqual(['请直接说出您的想法。']);
    const said = await call.speak(keyed, '希望多装几个扶手');
    expect(said.twiml.find('Hangup')).toBeDefined();
    expect((await answersOf(fixture.residentId)).map((a) => a.answer)).toEqual(['希望多装几个扶手']);
  });

  it('answers a repeated request for a question already answered with the question now pending', async () => {
    const { fixture, call, first } = await startSurvey();
    const second = await call.press(first, '1');
    const replay = await call.press(first, '5');
    expect(spoken(replay).join(' ')).toContain('第2个问题，共2个。');
    expect(spoken(replay)).not.toContain('好的，记下了。');
    expect((await answersOf(fixture.residentId)).map((a) => a.answer)).toEqual(['very_satisfied']);
    expect(spoken(second).join(' ')).toContain('第2个问题，共2个。');
  });

  it('tells a caller with nothing pending so, and ends an outbound call politely', async () => {
    const { fixture, call, first } = await startSurvey(['satisfaction']);
    await call.press(first, '2');
    const after = await call.post('/channels/voice/survey');
    expect(spoken(after)).toEqual(['现在没有需要您回答的问卷。谢谢，再见。']);
    expect(after.twiml.find('Hangup')).toBeDefined();
    expect((await answersOf(fixture.residentId)).map((a) => a.answer)).toEqual(['satisfied']);
  });

  it('sends a caller the phone menu brought here back to the menu when the survey is done', async () => {
    const fixture = await placeCampaignCall(h, { questions: ['yes_no'] });
    const call = new ScriptedCall(h.app, fixture.phone);
    await database.db.insert(voiceCalls).values({
      callSid: call.callSid,
      direction: 'inbound',
      residentId: fixture.residentId,
      locale: 'zh-CN',
      status: 'in-progress',
      startedAt: h.deps.clock.now(),
    });
    const question = await call.post('/channels/voice/survey');
    const done = await call.speak(question, '是的');
    expect(spoken(done)).toEqual(['好的，记下了。', '问卷答完了，谢谢您的参与！再见。']);
    expect(new URL(done.twiml.find('Redirect')?.text ?? '').pathname).toBe('/channels/voice/menu');
    expect(done.twiml.find('Hangup')).toBeUndefined();
  });

  it('apologises with the help line for a call it has no record of', async () => {
    const call = new ScriptedCall(h.app, '+8613900000000');
    const reply = await call.post('/channels/voice/survey');
    expect(reply.status).toBe(200);
    expect(spoken(reply)[0]).toContain('1 2 3 4 5');
    expect(reply.twiml.find('Hangup')).toBeDefined();
  });
});

describe('the answer URL and status callback with bad input', () => {
  it('apologises for a delivery it does not know, and refuses one that is not a delivery id', async () => {
    const call = new ScriptedCall(h.app, '+8613900000001');
    const unknown = await call.answer(randomUUID());
    expect(unknown.status).toBe(200);
    expect(spoken(unknown)[0]).toContain('1 2 3 4 5');
    expect(unknown.twiml.find('Hangup')).toBeDefined();
    expect((await call.post('/channels/voice/outbound?delivery=nope')).status).toBe(400);
    expect((await call.post('/channels/voice/outbound')).status).toBe(400);
  });

  it('refuses a status callback without a usable status, call or attempt, and changes nothing', async () => {
    const fixture = await placeCampaignCall(h);
    const base = { deliveryId: fixture.deliveryId, attempt: 1, to: fixture.phone };
    const sid = new ScriptedCall(h.app, fixture.phone).callSid;
    expect((await postCallStatus(h.app, { ...base, callSid: sid, status: 'exploded' })).status).toBe(400);
    expect((await postCallStatus(h.app, { ...base, callSid: 'not-a-sid', status: 'completed' })).status).toBe(
      400,
    );
    expect(
      (await postCallStatus(h.app, { ...base, callSid: sid, status: 'failed', extra: { ErrorCode: 'x1' } }))
        .status,
    ).toBe(400);
    const noAttempt = await call(fixture.phone).post(
      `/channels/voice/status?delivery=${fixture.deliveryId}`,
      { CallStatus: 'completed' },
    );
    expect(noAttempt.status).toBe(400);
    expect(await deliveryRow(h, fixture.deliveryId)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('acknowledges a status for a delivery it does not know, so that Twilio stops calling', async () => {
    const res = await postCallStatus(h.app, {
      deliveryId: randomUUID(),
      attempt: 1,
      callSid: new ScriptedCall(h.app, '+8613900000002').callSid,
      to: '+8613900000002',
      status: 'completed',
    });
    expect(res.status).toBe(200);
  });
});

function call(to: string): ScriptedCall {
  return new ScriptedCall(h.app, to);
}
