import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPendingPrompt } from '../../src/conversations/get-pending-prompt.ts';
import { deliveries, opinions, pendingPrompts, proxyConfirmations, voiceCalls } from '../../src/db/schema.ts';
import { insertParticipation } from '../../src/outreach/outreach-test-kit.ts';
import {
  newCommunity,
  newResident,
  newStaffMember,
  proxyEnv,
  submitRecord,
  visitFor,
} from '../../src/proxy/proxy-test-kit.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import {
  createVoiceOutboundHarness,
  placeCampaignCall,
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

describe('the answer URL of outbound calls', () => {
  it('plans what a call says: the campaign text without the SMS sender tag or "reply TD"', async () => {
    const fixture = await placeCampaignCall(h, { questions: ['satisfaction'], send: false });
    const [row] = await database.db.select().from(deliveries).where(eq(deliveries.id, fixture.deliveryId));
    expect(row?.channel).toBe('voice');
    expect(row?.body).toMatch(/^您好，这里是.+。T\d+已完工。想请您回答一个简短的问题。$/);
    expect(row?.body).not.toMatch(/【|TD|回1/);
  });

  it('leaves an answering machine a short message with the number to call back, then hangs up', async () => {
    const fixture = await placeCampaignCall(h, { questions: ['satisfaction'] });
    const call = new ScriptedCall(h.app, fixture.phone);

    const reply = await call.answer(fixture.deliveryId, 'machine_end_beep');

    expect(reply.status).toBe(200);
    expect(reply.twiml.find('Gather')).toBeUndefined();
    const [message] = spoken(reply);
    expect(message).toMatch(/^您好，这里是.+议事堂。/);
    // The help line digit by digit, twice; nothing personal.
    expect(message?.match(/1 2 3 4 5/g)).toHaveLength(2);
    expect(reply.twiml.find('Hangup')).toBeDefined();
    const [row] = await database.db.select().from(voiceCalls).where(eq(voiceCalls.callSid, call.callSid));
    expect(row?.state).toMatchObject({ flow: 'outbound', step: 'voicemail' });
    // The survey stays pending: a call back through the phone menu can answer it.
    const pending = await getPendingPrompt(h.staffCtx, { residentId: fixture.residentId });
    expect(pending?.kind).toBe('survey_question');
  });

  it('treats an unsure detection as a person', async () => {
    const fixture = await placeCampaignCall(h, { questions: ['satisfaction'] });
    const call = new ScriptedCall(h.app, fixture.phone);
    const reply = await call.answer(fixture.deliveryId, 'unknown');
    expect(new URL(reply.twiml.find('Redirect')?.text ?? '').pathname).toBe('/channels/voice/survey');
  });

  it('reads a topic notice and records support said in words', async () => {
    const fixture = await placeCampaignCall(h, { kind: 'notice' });
    const call = new ScriptedCall(h.app, fixture.phone);

    const notice = await call.answer(fixture.deliveryId);
    const texts = spoken(notice);
    expect(texts[0]).toMatch(new RegExp(`^您好，这里是.+。议题${fixture.topicCode}正在公示。$`));
    expect(texts[1]).toBe('支持请按1，反对请按2，也可以直接说支持或者反对。');
    expect(notice.twiml.find('Gather')?.attrs.hints).toContain('支持');

    const done = await call.speak(notice, '我支持。');
    expect(spoken(done)).toEqual(['已经记下您的意见：支持。谢谢，再见。']);
    const stored = await database.db
      .select()
      .from(opinions)
      .where(eq(opinions.residentId, fixture.residentId));
    expect(stored.map((o) => [o.stance, o.channel])).toEqual([['support', 'voice']]);
  });

  it('records opposition pressed as 2, once however often Twilio repeats the request', async () => {
    const fixture = await placeCampaignCall(h, { kind: 'notice' });
    const call = new ScriptedCall(h.app, fixture.phone);
    const notice = await call.answer(fixture.deliveryId);
    const first = await call.press(notice, '2');
    const repeated = await call.press(notice, '2');
    expect(spoken(first)).toEqual(['已经记下您的意见：反对。谢谢，再见。']);
    expect(spoken(repeated)).toEqual(spoken(first));
    const stored = await database.db
      .select()
      .from(opinions)
      .where(eq(opinions.residentId, fixture.residentId));
    expect(stored.map((o) => o.stance)).toEqual(['oppose']);
  });

  it('puts the caller through to a person on 0 and reads the notice again when they come back', async () => {
    const fixture = await placeCampaignCall(h, { kind: 'notice' });
    const call = new ScriptedCall(h.app, fixture.phone);
    const notice = await call.answer(fixture.deliveryId);
    const person = await call.press(notice, '0');
    const target = new URL(person.twiml.find('Redirect')?.text ?? '');
    expect(target.pathname).toBe('/channels/voice/person');
    expect(target.searchParams.get('return')).toBe('/channels/voice/outbound');
    const back = await call.post('/channels/voice/outbound');
    expect(spoken(back)).toEqual(spoken(notice));
  });

  it('reads a notice about a topic no longer taking opinions without asking for one', async () => {
    const fixture = await placeCampaignCall(h, { kind: 'notice', topicStatus: 'closed' });
    const call = new ScriptedCall(h.app, fixture.phone);
    const notice = await call.answer(fixture.deliveryId);
    expect(spoken(notice)[1]).toBe('重听请按星号键。');
    const again = await call.press(notice, '*');
    expect(spoken(again)[0]).toBe(spoken(notice)[0]);
    const end = await call.silence(again);
    expect(spoken(end)).toEqual(['谢谢收听，再见。']);
    expect(end.twiml.find('Hangup')).toBeDefined();
  });

  it('reads a meeting notice without asking for a stance, though the topic takes opinions', async () => {
    const fixture = await placeCampaignCall(h, { kind: 'notice', asksStance: false });
    const call = new ScriptedCall(h.app, fixture.phone);
    const notice = await call.answer(fixture.deliveryId);
    expect(spoken(notice)[1]).toBe('重听请按星号键。');
    const pressed = await call.press(notice, '1');
    expect(spoken(pressed)).not.toContain('已记录您的支持。');
    expect(
      await h.deps.database.db.select().from(opinions).where(eq(opinions.residentId, fixture.residentId)),
    ).toEqual([]);
  });

  it('thanks a resident who already answered the whole survey instead of asking again', async () => {
    const fixture = await placeCampaignCall(h, { questions: ['satisfaction'] });
    await insertParticipation(database.db, {
      residentId: fixture.residentId,
      topicId: null,
      how: 'answer',
      surveyId: fixture.surveyId as string,
      questionId: fixture.questionIds[0] as string,
    });
    // The text reply cleared the pending prompt; the call is answered afterwards.
    await database.db.delete(pendingPrompts).where(eq(pendingPrompts.residentId, fixture.residentId));
    const call = new ScriptedCall(h.app, fixture.phone);
    const reply = await call.answer(fixture.deliveryId);
    expect(spoken(reply)).toEqual([expect.stringMatching(/这份问卷您已经答完了，谢谢您！再见。$/)]);
    expect(reply.twiml.find('Hangup')).toBeDefined();
  });
});

describe('a proxy record read back by phone', () => {
  async function recordFor(answerWith: string) {
    const system = { ...h.staffCtx, actor: { type: 'system', job: 'test' } } as const;
    const communityId = (await newCommunity(database.db)).id;
    const writer = await newStaffMember(system, ['grid_worker'], { communityIds: [communityId] });
    const resident = await newResident(system, { communityId, accessibilityNeeds: ['cannot_read'] });
    const visit = await visitFor(writer.ctx, resident.id, { reason: 'cannot_read_write' });
    const { record } = await submitRecord(
      writer.ctx,
      visit,
      { kind: 'need', text: '楼道灯坏了' },
      proxyEnv({ senders: h.deps.senders ?? {} }),
    );
    const [delivery] = await database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.purpose, `proxy-confirmation:${record.id}`));
    if (!delivery || !resident.phone) throw new Error('no confirmation call');
    const call = new ScriptedCall(h.app, resident.phone);
    const readBack = await call.answer(delivery.id);
    expect(spoken(readBack)).toEqual([delivery.body]);
    expect(readBack.twiml.find('Gather')?.attrs.hints).toContain('属实');
    const reply = await call.speak(readBack, answerWith);
    const [confirmation] = await database.db
      .select()
      .from(proxyConfirmations)
      .where(eq(proxyConfirmations.recordId, record.id));
    return { reply, confirmation, call };
  }

  it('records the resident’s “属实” as confirmed, with the call as evidence', async () => {
    const { reply, confirmation, call } = await recordFor('属实');
    expect(spoken(reply)).toEqual(['谢谢您的确认。再见。']);
    expect(reply.twiml.find('Hangup')).toBeDefined();
    expect(confirmation).toMatchObject({ status: 'confirmed', answeredVia: 'voice', evidence: call.callSid });
  });

  it('records “不对” as disputed, for a person to check again', async () => {
    const { reply, confirmation } = await recordFor('不对');
    expect(spoken(reply)).toEqual(['谢谢，我们会请工作人员再和您核实。再见。']);
    expect(confirmation).toMatchObject({ status: 'disputed', answeredVia: 'voice' });
  });
});
