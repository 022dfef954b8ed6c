import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPendingPrompt } from '../../src/conversations/get-pending-prompt.ts';
import { intakes, surveyAnswers, voiceCalls } from '../../src/db/schema.ts';
import { getSurveyResults } from '../../src/outreach/get-survey-results.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import {
  createVoiceOutboundHarness,
  placeCampaignCall,
  residentRow,
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
  return database.db
    .select({
      answer: surveyAnswers.answer,
      questionId: surveyAnswers.questionId,
      channel: surveyAnswers.channel,
    })
    .from(surveyAnswers)
    .where(eq(surveyAnswers.residentId, residentId));
}

describe('a survey answered on an outbound call', () => {
  it('takes keys and speech mixed, stores every answer like an SMS answer, and thanks the resident', async () => {
    const fixture = await placeCampaignCall(h, { questions: ['satisfaction', 'yes_no', 'text'] });
    const call = new ScriptedCall(h.app, fixture.phone);

    const greeting = await call.answer(fixture.deliveryId);
    expect(greeting.status).toBe(200);
    expect(spoken(greeting)[0]).toMatch(/^您好，这里是.*议事堂。T\d+已完工。想请您回答3个简短的问题。$/);
    expect(greeting.twiml.find('Hangup')).toBeUndefined();

    const first = await call.follow(greeting);
    const gather = first.twiml.find('Gather');
    expect(gather?.attrs).toMatchObject({
      input: 'dtmf speech',
      language: 'cmn-Hans-CN',
      numDigits: '1',
      actionOnEmptyResult: 'true',
    });
    expect(Number(gather?.attrs.timeout)).toBeGreaterThanOrEqual(8);
    expect(gather?.attrs.hints).toContain('满意');
    const heard = spoken(first).join(' ');
    expect(heard).toContain('星号');
    expect(heard).toContain('第1个问题，共3个。问题1：您满意吗？ 非常满意请按1');
    for (const say of first.twiml.findAll('Say')) expect(say.attrs.voice).toBe('Polly.Zhiyu-Neural');

    // Keys for the first question, speech for the second and third.
    const second = await call.press(first, '2');
    expect(spoken(second)[0]).toBe('好的，记下了。');
    expect(spoken(second).join(' ')).toContain('第2个问题，共3个。');
    const third = await call.speak(second, '不是。', 0.88);
    expect(spoken(third).join(' ')).toContain('第3个问题，共3个。');
    const done = await call.speak(third, '电梯很好，就是按钮太高了。', 0.81);
    expect(spoken(done)).toEqual(['好的，记下了。', '问卷答完了，谢谢您的参与！再见。']);
    expect(done.twiml.find('Hangup')).toBeDefined();

    const answers = await answersOf(fixture.residentId);
    expect(answers.map((a) => [a.questionId, a.answer, a.channel])).toEqual([
      [fixture.questionIds[0], 'satisfied', 'voice'],
      [fixture.questionIds[1], 'no', 'voice'],
      // Stored as the pipeline stores every free answer (width-folded, as SMS answers are).
      [fixture.questionIds[2], '电梯很好，就是按钮太高了。'.normalize('NFKC'), 'voice'],
    ]);
    const stored = await database.db
      .select({ externalId: intakes.externalId, text: intakes.text, kind: intakes.kind })
      .from(intakes)
      .where(eq(intakes.residentId, fixture.residentId));
    expect(stored.map((i) => i.externalId).sort()).toEqual(
      fixture.questionIds.map((q) => `${call.callSid}:${q}`).sort(),
    );
    expect(stored.every((i) => i.kind === 'survey_answer')).toBe(true);
    expect(await getPendingPrompt(h.staffCtx, { residentId: fixture.residentId })).toBeUndefined();

    const results = await getSurveyResults(h.staffCtx, { surveyId: fixture.surveyId as string });
    expect(results.surveys[0]?.satisfaction.counts.satisfied).toBe(1);
    expect(results.surveys[0]?.respondents).toBe(1);
  });

  it('repeats the question on *, slows down on 9 and remembers it, and skips on 跳过', async () => {
    const fixture = await placeCampaignCall(h, { questions: ['satisfaction', 'yes_no'] });
    const call = new ScriptedCall(h.app, fixture.phone);
    const first = await call.follow(await call.answer(fixture.deliveryId));

    const again = await call.press(first, '*');
    expect(spoken(again).join(' ')).toContain('第1个问题，共2个。');
    expect(await answersOf(fixture.residentId)).toEqual([]);

    const slower = await call.press(again, '9');
    expect(spoken(slower)[0]).toBe('好的，我会说慢一点。');
    expect(slower.twiml.find('prosody')?.attrs.rate).toBe('75%');
    expect((await residentRow(h, fixture.residentId)).slowSpeech).toBe(true);

    const second = await call.speak(slower, '跳过');
    expect(spoken(second)[0]).toBe('好的，这个问题跳过。');
    // Slow speech holds for the rest of the call.
    expect(second.twiml.find('prosody')).toBeDefined();
    const done = await call.press(second, '1');
    expect(done.twiml.find('Hangup')).toBeDefined();
    expect((await answersOf(fixture.residentId)).map((a) => a.answer)).toEqual(['skipped', 'yes']);
  });

  it('sends the caller to a person on 0 and brings them back to the same question', async () => {
    const fixture = await placeCampaignCall(h, { questions: ['satisfaction'] });
    const call = new ScriptedCall(h.app, fixture.phone);
    const first = await call.follow(await call.answer(fixture.deliveryId));

    const person = await call.press(first, '0');
    const target = new URL(person.twiml.find('Redirect')?.text ?? '');
    expect(target.pathname).toBe('/channels/voice/person');
    expect(target.searchParams.get('return')).toBe('/channels/voice/survey');

    const back = await call.post('/channels/voice/survey');
    expect(spoken(back).join(' ')).toContain('问题1：您满意吗？');
  });

  it('keeps the answers of a call dropped mid-survey, and a later call carries on where it stopped', async () => {
    const fixture = await placeCampaignCall(h, { questions: ['satisfaction', 'yes_no', 'text'] });
    const dropped = new ScriptedCall(h.app, fixture.phone);
    const first = await dropped.follow(await dropped.answer(fixture.deliveryId));
    await dropped.speak(first, '非常满意');
    // The resident hangs up here: Twilio sends nothing more for this call.

    expect((await answersOf(fixture.residentId)).map((a) => a.answer)).toEqual(['very_satisfied']);
    const pending = await getPendingPrompt(h.staffCtx, { residentId: fixture.residentId });
    expect(pending?.question?.id).toBe(fixture.questionIds[1]);
    expect(pending?.channel).toBe('voice');

    // The same delivery answered again (a retry, or the resident calling back through it).
    const again = new ScriptedCall(h.app, fixture.phone);
    const resumed = await again.follow(await again.answer(fixture.deliveryId));
    expect(spoken(resumed).join(' ')).toContain('第2个问题，共3个。');
    const last = await again.press(resumed, '1');
    await again.speak(last, '没有别的意见了');
    expect((await answersOf(fixture.residentId)).map((a) => a.answer)).toEqual([
      'very_satisfied',
      'yes',
      '没有别的意见了',
    ]);
  });

  it('speaks Cantonese and English to residents who prefer them', async () => {
    const hk = await placeCampaignCall(h, { questions: ['yes_no'], resident: { preferredLocale: 'zh-HK' } });
    const callHk = new ScriptedCall(h.app, hk.phone);
    // No Cantonese template: the call is in the campaign's Mandarin, as its text would be.
    const hkQuestion = await callHk.follow(await callHk.answer(hk.deliveryId));
    expect(hkQuestion.twiml.find('Gather')?.attrs.language).toBe('cmn-Hans-CN');

    const en = await placeCampaignCall(h, { questions: ['yes_no'], resident: { preferredLocale: 'en' } });
    const callEn = new ScriptedCall(h.app, en.phone);
    const greeting = await callEn.answer(en.deliveryId);
    expect(spoken(greeting)[0]).toMatch(
      /^Hello, this is .+\. T\d+ is done\. We would like to ask you one short question\.$/,
    );
    const question = await callEn.follow(greeting);
    expect(question.twiml.find('Gather')?.attrs.language).toBe('en-US');
    expect(question.twiml.find('Say')?.attrs.voice).toBe('Polly.Joanna-Neural');
    const done = await callEn.speak(question, 'Yes.');
    expect(spoken(done)).toEqual([
      'Thank you, noted.',
      'That is the end of the survey. Thank you for taking part! Goodbye.',
    ]);
    expect((await answersOf(en.residentId)).map((a) => a.answer)).toEqual(['yes']);
  });

  it('is reached from the phone menu by a resident calling in, and leads back to the menu', async () => {
    const fixture = await placeCampaignCall(h, { questions: ['satisfaction', 'yes_no'] });
    const call = ScriptedCall.inbound(h.app, fixture.phone);
    const menu = await call.post('/channels/voice/inbound');
    expect(spoken(menu).join(' ')).toContain('请按4');
    const first = await call.follow(await call.press(menu, '4'));
    expect(spoken(first).join(' ')).toContain('第1个问题，共2个。');
    const second = await call.speak(first, '很满意');
    const done = await call.press(second, '2');
    expect(spoken(done)).toEqual(['好的，记下了。', '问卷答完了，谢谢您的参与！再见。']);
    expect(new URL(done.twiml.find('Redirect')?.text ?? '').pathname).toBe('/channels/voice/menu');
    expect((await answersOf(fixture.residentId)).map((a) => a.answer)).toEqual(['very_satisfied', 'no']);
    const [record] = await database.db.select().from(voiceCalls).where(eq(voiceCalls.callSid, call.callSid));
    expect(record?.direction).toBe('inbound');
  });

  it('records the call as an outbound call of the resident and delivery', async () => {
    const fixture = await placeCampaignCall(h, { questions: ['satisfaction'] });
    const call = new ScriptedCall(h.app, fixture.phone);
    await call.answer(fixture.deliveryId);
    await call.answer(fixture.deliveryId);
    const rows = await database.db
      .select()
      .from(voiceCalls)
      .where(and(eq(voiceCalls.callSid, call.callSid)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      direction: 'outbound',
      residentId: fixture.residentId,
      deliveryId: fixture.deliveryId,
      locale: 'zh-CN',
    });
  });
});
