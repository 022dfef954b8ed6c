import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newPhone,
  newSurvey,
  newTopic,
  promptSurveyQuestion,
  residentWithPhone,
  THREE_QUESTIONS,
} from '../../src/conversations/conversation-test-kit.ts';
import {
  auditLog,
  communities,
  demands,
  intakes,
  type Locale,
  opinions,
  residents,
  streets,
  topics,
  voiceCallbacks,
  voiceCalls,
} from '../../src/db/schema.ts';
import { intakeAudioSchema } from '../../src/pipeline/intake.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { isWorkingDay } from '../../src/topics/working-days.ts';
import { makeStaff, signInDirectly } from '../console/console-test-kit.ts';
import {
  createVoiceHarness,
  EXPECTED_VOICES,
  expectQuestion,
  newRecordingSid,
  pathOf,
  recordingUrl,
  ScriptedCall,
  TEST_TRANSFER_NUMBER,
  type VoiceHarness,
} from './call-script.ts';
import { VOICE_SURVEY_FLOW_PATH } from './inbound-flow.ts';
import { SLOW_SPEECH_RATE } from './voice-twiml.ts';

let database: TestDatabase;
let voice: VoiceHarness;

/** Friday 27 November 2026, 10:00 in Shanghai: a working day, office open. */
const OFFICE_OPEN = '2026-11-27T02:00:00Z';

beforeAll(async () => {
  database = await createTestDatabase();
  voice = createVoiceHarness(database);
});

afterAll(async () => {
  await voice.deps.close();
  await database.close();
});

async function caller(options: { locale?: Locale; slowSpeech?: boolean; name?: string } = {}) {
  const resident = await residentWithPhone(voice.ctx());
  await database.db
    .update(residents)
    .set({
      preferredLocale: options.locale ?? null,
      slowSpeech: options.slowSpeech ?? false,
      name: options.name ?? null,
    })
    .where(eq(residents.id, resident.id));
  return resident;
}

/**
 * A topic on public notice whose number is not 9: keying 9 alone asks whether the caller meant slower
 * speech (tested in the errors file), which these walks do not want.
 */
async function topicToKeyIn() {
  let topic = await newTopic(database.db);
  while (topic.number === 9) topic = await newTopic(database.db);
  return topic;
}

async function opinionIntake(callSid: string, code: string) {
  const [intake] = await database.db
    .select()
    .from(intakes)
    .where(and(eq(intakes.channel, 'voice'), eq(intakes.externalId, `${callSid}:opinion:${code}`)));
  return intake;
}

async function opinionOf(intakeId: string) {
  const [opinion] = await database.db.select().from(opinions).where(eq(opinions.intakeId, intakeId));
  return opinion;
}

describe('an opinion by keys', () => {
  it('walks menu → topics → topic → support → no message, storing the opinion as soon as it is given', async () => {
    const topic = await topicToKeyIn();
    const resident = await caller({ locale: 'zh-CN' });
    const call = voice.call(resident.phone);

    const menu = await call.dial();
    expectQuestion(menu, 'zh-CN');
    // Known caller: no language question, a greeting and the menu, action before key, at most 5 options.
    expect(menu.gather?.attrs.action).toContain('step=menu');
    expect(menu.spoken).toContain('要听正在征求意见的议题，请按1。');
    expect(menu.spoken).toContain('要反映问题或需求，请按3。');
    expect(menu.spoken).toContain('要请工作人员给您回电，请按5。');
    expect(menu.spoken).toContain('重听请按星号键，找工作人员请按0，说慢一点请按9');
    expect(menu.gather?.attrs.numDigits).toBe('1');

    const list = await call.press('1');
    expectQuestion(list, 'zh-CN');
    expect(list.spoken).toContain(`3号楼加装电梯。3号楼居民希望加装电梯。`);
    expect(list.spoken).toContain('请按它的序号');
    const position = list.lines.findIndex((l) => l.text.includes('3号楼加装电梯'));
    const n = list.lines[position]?.text.match(/^第(\d)个/)?.[1];
    expect(n).toBeDefined();

    const stance = await call.press(n ?? '');
    expectQuestion(stance, 'zh-CN');
    expect(stance.spoken).toContain(
      `议题${topic.code}，3号楼加装电梯。支持，请按1；反对，请按2；有建议，请按3。`,
    );
    expect(stance.gather?.attrs.hints).toContain('支持');

    const afterStance = await call.press('1');
    expectQuestion(afterStance, 'zh-CN');
    expect(afterStance.spoken).toContain(`已记下：您支持议题${topic.code}。`);
    expect(afterStance.spoken).toContain('要留一段话说明理由，请按1');

    // Already stored before the caller decides about a message.
    const intake = await opinionIntake(call.callSid, topic.code);
    expect(intake).toMatchObject({
      kind: 'opinion',
      residentId: resident.id,
      language: 'zh-CN',
      choice: '1',
    });
    expect(await opinionOf(intake?.id ?? '')).toMatchObject({
      stance: 'support',
      channel: 'voice',
      residentId: resident.id,
      topicId: topic.id,
      text: null,
    });

    const back = await call.press('2');
    expectQuestion(back, 'zh-CN');
    expect(back.spoken).toContain('谢谢您的意见。');
    expect(back.gather?.attrs.action).toContain('step=menu');
    expect(call.heard.every((h) => !h.hangsUp)).toBe(true);
  });

  it('takes a topic by its number from the main menu (2, then the code and #)', async () => {
    const topic = await topicToKeyIn();
    const resident = await caller({ locale: 'zh-CN' });
    const call = voice.call(resident.phone);
    await call.dial();
    const code = await call.press('2');
    expectQuestion(code, 'zh-CN');
    expect(code.gather?.attrs.finishOnKey).toBe('#');
    expect(code.spoken).toContain('请输入议题编号，再按井号键');
    const stance = await call.press(String(topic.number));
    expect(stance.spoken).toContain(`议题${topic.code}`);
    const done = await call.press('2');
    expect(done.spoken).toContain(`已记下：您反对议题${topic.code}。`);
    const stored = await opinionOf((await opinionIntake(call.callSid, topic.code))?.id ?? '');
    expect(stored?.stance).toBe('oppose');
  });
});

describe('the same opinion by speech', () => {
  it('understands spoken choices, records the reasons, and keeps the speech result with the recording', async () => {
    const topic = await topicToKeyIn();
    const resident = await caller({ locale: 'zh-CN' });
    const call = voice.call(resident.phone);
    await call.dial();

    const list = await call.speak('我想听议题');
    expect(list.gather?.attrs.action).toContain('step=topics');
    const position = list.lines.findIndex((l) => l.text.includes('3号楼加装电梯'));
    const n = Number(list.lines[position]?.text.match(/^第(\d)个/)?.[1]);
    const spokenNumber = ['零', '一', '二', '三', '四', '五', '六', '七', '八'][n] ?? '';

    const stance = await call.speak(`第${spokenNumber}个`, 0.88);
    expect(stance.spoken).toContain(`议题${topic.code}`);

    // "不同意" contains "同意": it is opposition.
    const message = await call.speak('我不同意', 0.83);
    expect(message.spoken).toContain(`已记下：您反对议题${topic.code}。`);

    const recording = await call.speak('要留言');
    expect(recording.verbs).toEqual(['Say', 'Record', 'Redirect']);
    expect(recording.spoken).toContain('请在提示音后说话');
    expect(recording.record?.attrs).toMatchObject({
      transcribe: 'true',
      maxLength: '120',
      finishOnKey: '#',
      playBeep: 'true',
    });
    expect(recording.record?.attrs.transcribeCallback).toContain(
      '/channels/voice/transcribed?step=opinion%3AT',
    );

    const recordingSid = newRecordingSid();
    const saved = await call.recordMessage({ seconds: 14, recordingSid });
    expectQuestion(saved, 'zh-CN');
    expect(saved.spoken).toContain('您的留言已保存，谢谢。');

    const intake = await opinionIntake(call.callSid, topic.code);
    expect(intake?.choice).toBe('我不同意');
    expect(intakeAudioSchema.parse(intake?.audio)).toEqual({
      url: recordingUrl(recordingSid),
      durationSeconds: 14,
      speechResult: '我不同意',
      confidence: 0.83,
    });
    expect((await opinionOf(intake?.id ?? ''))?.stance).toBe('oppose');
  });
});

describe('a recording whose transcription arrives later', () => {
  it('keeps a reported need with its audio at once and adds the transcript to the same record', async () => {
    const resident = await caller({ locale: 'en' });
    const call = voice.call(resident.phone);
    await call.dial();
    const prompt = await call.press('3');
    expect(prompt.spoken).toContain('please describe the problem or need');
    expect(prompt.record?.attrs.transcribe).toBe('true');

    const recordingSid = newRecordingSid();
    const saved = await call.recordMessage({ seconds: 31, recordingSid });
    expectQuestion(saved, 'en');
    expect(saved.spoken).toContain('Your report has been noted');

    const externalId = `${call.callSid}:need:${recordingSid}`;
    const [intake] = await database.db.select().from(intakes).where(eq(intakes.externalId, externalId));
    expect(intake).toMatchObject({ kind: 'demand', residentId: resident.id, language: 'en' });
    const [demand] = await database.db
      .select()
      .from(demands)
      .where(eq(demands.intakeId, intake?.id ?? ''));
    expect(demand).toMatchObject({ channel: 'voice', residentId: resident.id, text: '' });

    // The caller hangs up; minutes later Twilio posts the transcript.
    voice.deps.clock.advance(5 * 60_000);
    const ack = await call.transcription({
      recordingSid,
      text: 'The street light outside number 12 has been out for a week.',
    });
    expect(ack.verbs).toEqual([]);

    const [after] = await database.db.select().from(intakes).where(eq(intakes.externalId, externalId));
    expect(after?.id).toBe(intake?.id);
    expect(intakeAudioSchema.parse(after?.audio)).toEqual({
      url: recordingUrl(recordingSid),
      durationSeconds: 31,
      transcript: 'The street light outside number 12 has been out for a week.',
    });
    const [demandAfter] = await database.db
      .select()
      .from(demands)
      .where(eq(demands.intakeId, intake?.id ?? ''));
    expect(demandAfter?.text).toBe('The street light outside number 12 has been out for a week.');
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.subjectId, intake?.id ?? ''),
          eq(auditLog.action, 'intake.voice_transcript_attached'),
        ),
      );
    expect(audits).toHaveLength(1);

    // Twilio repeats the callback: nothing changes, no second audit entry.
    await call.transcription({
      recordingSid,
      text: 'The street light outside number 12 has been out for a week.',
    });
    const again = await database.db
      .select({ n: count() })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.subjectId, intake?.id ?? ''),
          eq(auditLog.action, 'intake.voice_transcript_attached'),
        ),
      );
    expect(again[0]?.n).toBe(1);
  });

  it('gives an opinion recorded as reasons its transcript as text, and a caller may report two needs', async () => {
    const topic = await topicToKeyIn();
    const resident = await caller({ locale: 'en' });
    const call = voice.call(resident.phone);
    await call.dial();
    await call.press('2');
    await call.press(String(topic.number));
    await call.press('3');
    await call.press('1');
    const recordingSid = newRecordingSid();
    await call.recordMessage({ seconds: 9, recordingSid });
    await call.transcription({ recordingSid, text: 'Please keep the old bicycle shed.' });
    const stored = await opinionOf((await opinionIntake(call.callSid, topic.code))?.id ?? '');
    expect(stored).toMatchObject({ stance: 'suggestion', text: 'Please keep the old bicycle shed.' });

    await call.press('3');
    await call.recordMessage({ seconds: 5 });
    await call.press('3');
    await call.recordMessage({ seconds: 6 });
    const needs = await database.db
      .select({ n: count() })
      .from(intakes)
      .where(and(eq(intakes.residentId, resident.id), eq(intakes.kind, 'demand')));
    expect(needs[0]?.n).toBe(2);
  });
});

describe('silence', () => {
  it('re-prompts more simply, then offers a person or a call-back, then puts the caller through — never hanging up', async () => {
    voice.deps.clock.set(OFFICE_OPEN);
    const resident = await caller({ locale: 'zh-CN' });
    const call = voice.call(resident.phone);
    const full = await call.dial();

    const first = await call.silence();
    expectQuestion(first, 'zh-CN');
    expect(first.spoken).toContain('没有听到您的选择。');
    expect(first.spoken).toContain('听议题按1，发表意见按2，反映问题按3，请人回电按5。');
    expect(first.spoken.length).toBeLessThan(full.spoken.length);

    const second = await call.silence();
    expectQuestion(second, 'zh-CN');
    expect(second.gather?.attrs.action).toContain('step=offer');
    expect(second.spoken).toContain('找工作人员，请按0；请工作人员给您回电，请按1');

    const third = await call.silence();
    expect(third.hangsUp).toBe(false);
    expect(third.spoken).toContain('正在为您转接工作人员');
    expect(ScriptedCall.dialled(third)).toBe(TEST_TRANSFER_NUMBER);
    expect(call.heard.every((h) => !h.hangsUp)).toBe(true);
  });

  it('goes back to the question when the caller presses * at the offer', async () => {
    const resident = await caller({ locale: 'zh-CN' });
    const call = voice.call(resident.phone);
    await call.dial();
    await call.press('2');
    await call.speak('嗯嗯嗯');
    const offer = await call.speak('啊');
    expect(offer.gather?.attrs.action).toContain('step=offer');
    const again = await call.press('*');
    expect(again.gather?.attrs.action).toContain('step=code');
    expect(again.spoken).toContain('请输入议题编号');
  });
});

describe('* repeats', () => {
  it('repeats the menu and the current question in full', async () => {
    const topic = await topicToKeyIn();
    const resident = await caller({ locale: 'zh-CN' });
    const call = voice.call(resident.phone);
    const menu = await call.dial();
    const repeated = await call.press('*');
    expect(repeated.gather?.attrs.action).toBe(menu.gather?.attrs.action);
    expect(repeated.spoken).toContain('要听正在征求意见的议题，请按1。');
    await call.press('2');
    const stance = await call.press(String(topic.number));
    const stanceAgain = await call.press('*');
    expect(stanceAgain.spoken).toBe(stance.spoken);
    const spokenRepeat = await call.speak('请再说一遍');
    expect(spokenRepeat.spoken).toBe(stance.spoken);
  });
});

describe('9 slows the speech', () => {
  it('speaks every later prompt through SSML prosody and remembers it for the next call', async () => {
    const resident = await caller({ locale: 'zh-CN' });
    const call = voice.call(resident.phone);
    const normal = await call.dial();
    expect(normal.lines.every((l) => l.rate === undefined)).toBe(true);

    const slow = await call.press('9');
    expectQuestion(slow, 'zh-CN');
    expect(slow.spoken).toContain('好的，我会说慢一点。');
    expect(slow.lines.every((l) => l.rate === SLOW_SPEECH_RATE)).toBe(true);
    const later = await call.press('1');
    expect(later.lines.every((l) => l.rate === SLOW_SPEECH_RATE)).toBe(true);

    const [stored] = await database.db.select().from(residents).where(eq(residents.id, resident.id));
    expect(stored?.slowSpeech).toBe(true);

    const nextCall = voice.call(resident.phone);
    const next = await nextCall.dial();
    expect(next.lines.length).toBeGreaterThan(0);
    expect(next.lines.every((l) => l.rate === SLOW_SPEECH_RATE)).toBe(true);
  });
});

describe('reaching a person', () => {
  it('transfers in office hours and brings the caller back to the menu afterwards', async () => {
    voice.deps.clock.set(OFFICE_OPEN);
    const resident = await caller({ locale: 'zh-CN' });
    const call = voice.call(resident.phone);
    await call.dial();
    const transfer = await call.press('0');
    expect(transfer.verbs).toEqual(['Say', 'Dial']);
    expect(ScriptedCall.dialled(transfer)).toBe(TEST_TRANSFER_NUMBER);
    expect(Number(transfer.dial?.attrs.timeout)).toBeGreaterThan(0);

    const after = await call.transferEnds('completed');
    expect(after.spoken).toContain('和工作人员的通话已结束');
    expect(pathOf(after.redirect ?? '')).toBe('/channels/voice/menu');
    const menu = await call.followRedirect();
    expectQuestion(menu, 'zh-CN');
    expect(menu.gather?.attrs.action).toContain('step=menu');
  });

  it('books a call-back when nobody picks up the transfer', async () => {
    voice.deps.clock.set(OFFICE_OPEN);
    const resident = await caller({ locale: 'zh-CN' });
    const call = voice.call(resident.phone);
    await call.dial();
    await call.press('0');
    const unanswered = await call.transferEnds('no-answer');
    expect(unanswered.spoken).toContain('工作人员暂时没有接听');
    expect(unanswered.spoken).toContain('已为您登记回电');
    const [booked] = await database.db
      .select()
      .from(voiceCallbacks)
      .where(eq(voiceCallbacks.callSid, call.callSid));
    expect(booked).toMatchObject({ reason: 'transfer_unanswered', status: 'open', residentId: resident.id });
  });

  it('books a call-back out of office hours (evenings, weekends, public holidays), shown to staff', async () => {
    // Friday 20:00, Saturday 10:00, National Day 10:00 in Shanghai.
    for (const at of ['2026-11-27T12:00:00Z', '2026-11-28T02:00:00Z', '2026-10-01T02:00:00Z']) {
      voice.deps.clock.set(at);
      const resident = await caller({ locale: 'zh-CN' });
      const call = voice.call(resident.phone);
      await call.dial();
      const closed = await call.press('0');
      expect(closed.dial, at).toBeUndefined();
      expect(closed.spoken).toContain('现在不是工作时间。');
      expect(closed.spoken).toContain('已为您登记回电，工作人员会在工作时间给您打电话。');
      expect(pathOf(closed.redirect ?? '')).toBe('/channels/voice/menu');
      const [booked] = await database.db
        .select()
        .from(voiceCallbacks)
        .where(eq(voiceCallbacks.callSid, call.callSid));
      expect(booked).toMatchObject({ reason: 'after_hours', status: 'open', locale: 'zh-CN' });
      expect(voice.deps.pii.decryptPhone(booked?.phoneCipher ?? '')).toBe(resident.phone);
    }
    voice.deps.clock.set(OFFICE_OPEN);
  });

  it('counts a make-up working Saturday as a working day', async () => {
    const saturday = Array.from({ length: 365 }, (_, i) =>
      new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
    ).find((d) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()) && isWorkingDay(d));
    expect(saturday, 'the 2026 calendar has a make-up working weekend day').toBeDefined();
    voice.deps.clock.set(`${saturday}T02:00:00Z`);
    const resident = await caller({ locale: 'zh-CN' });
    const call = voice.call(resident.phone);
    await call.dial();
    const transfer = await call.press('0');
    expect(ScriptedCall.dialled(transfer)).toBe(TEST_TRANSFER_NUMBER);
    voice.deps.clock.set(OFFICE_OPEN);
  });

  it('books a call-back from the menu (5) and lets staff mark it done from the console', async () => {
    const [street] = await database.db
      .insert(streets)
      .values({ code: `S-${Date.now()}`, name: { 'zh-CN': '测试街道' } })
      .returning();
    const [community] = await database.db
      .insert(communities)
      .values({ streetId: street?.id ?? '', code: `C-${Date.now()}`, name: { 'zh-CN': '幸福社区' } })
      .returning();
    const resident = await caller({ locale: 'zh-CN' });
    await database.db
      .update(residents)
      .set({ communityId: community?.id ?? null })
      .where(eq(residents.id, resident.id));
    const call = voice.call(resident.phone);
    await call.dial();
    const booked = await call.press('5');
    expect(booked.spoken).toContain('已为您登记回电');
    const menu = await call.followRedirect();
    expect(menu.gather?.attrs.action).toContain('step=menu');
    const [row] = await database.db
      .select()
      .from(voiceCallbacks)
      .where(eq(voiceCallbacks.callSid, call.callSid));
    expect(row).toMatchObject({ reason: 'requested', communityId: community?.id });

    const secretary = await makeStaff(voice.deps, ['community_secretary']);
    const { cookie, csrfToken } = await signInDirectly(voice.deps, secretary.id);
    const home = await voice.app.request('/console', { headers: { cookie, accept: 'text/html' } });
    expect(await home.text()).toContain('href="/console/callbacks"');
    const page = await voice.app.request('/console/callbacks', { headers: { cookie, accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(resident.phone);
    expect(html).toContain('居民要求回电');
    expect(html).toContain('已登记居民（幸福社区）');

    const done = await voice.app.request(`/console/callbacks/${row?.id}/done`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ _csrf: csrfToken, note: '已回电，她女儿的电话是13912345678' }),
    });
    expect(done.status).toBe(303);
    const [after] = await database.db
      .select()
      .from(voiceCallbacks)
      .where(eq(voiceCallbacks.id, row?.id ?? ''));
    expect(after).toMatchObject({ status: 'done', doneBy: secretary.id });
    expect(after?.note).toContain('已回电');
    expect(after?.note).not.toContain('13912345678');
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, row?.id ?? ''), eq(auditLog.action, 'voice_callback.completed')));
    expect(audit).toHaveLength(1);
    const pageAfter = await (
      await voice.app.request('/console/callbacks?done=1', { headers: { cookie, accept: 'text/html' } })
    ).text();
    expect(pageAfter).toContain('已标记为已回电。');
    expect(pageAfter).not.toContain(resident.phone);
  });
});

describe('callers', () => {
  it('lets an unknown caller take part anonymously, after choosing a language offered in its own voice', async () => {
    const topic = await topicToKeyIn();
    const [before] = await database.db.select({ n: count() }).from(residents);
    const call = voice.call(newPhone());

    const language = await call.dial();
    expect(language.gather?.attrs.action).toContain('step=language');
    expect(language.lines.map((l) => [l.voice, l.text])).toEqual([
      [EXPECTED_VOICES['zh-CN'].voice, '您好，欢迎致电民生议事堂。要用普通话，请按1。'],
      [EXPECTED_VOICES['zh-HK'].voice, '要用廣東話，請按2。'],
      [EXPECTED_VOICES.en.voice, 'For English, press 3.'],
    ]);

    const menu = await call.press('1');
    expectQuestion(menu, 'zh-CN');
    await call.press('2');
    await call.press(String(topic.number));
    const suggested = await call.press('3');
    expect(suggested.spoken).toContain(`已记下：您对议题${topic.code}有建议。`);

    const intake = await opinionIntake(call.callSid, topic.code);
    expect(intake?.residentId).toBeNull();
    expect(intake?.actor).toEqual({ type: 'resident', via: 'voice' });
    expect((await opinionOf(intake?.id ?? ''))?.residentId).toBeNull();
    const [after] = await database.db.select({ n: count() }).from(residents);
    expect(after?.n).toBe(before?.n);
    const [stored] = await database.db.select().from(voiceCalls).where(eq(voiceCalls.callSid, call.callSid));
    expect(stored).toMatchObject({ direction: 'inbound', residentId: null, locale: 'zh-CN' });
  });

  it('runs a Cantonese call in the Cantonese voice and recognition model', async () => {
    const topic = await topicToKeyIn();
    const call = voice.call(newPhone());
    await call.dial();
    const menu = await call.press('2');
    expectQuestion(menu, 'zh-HK');
    expect(menu.spoken).toContain('要聽徵求緊意見嘅議題，請按1。');
    await call.speak('講意見');
    const stance = await call.speak(`議題${topic.number}`);
    expectQuestion(stance, 'zh-HK');
    expect(stance.spoken).toContain(`議題${topic.code}，3號樓加裝電梯。`);
    const done = await call.speak('我支持');
    expect(done.spoken).toContain(`記低咗：你支持議題${topic.code}。`);
    const intake = await opinionIntake(call.callSid, topic.code);
    expect(intake).toMatchObject({ language: 'zh-HK', choice: '我支持' });
  });

  it('runs an English call in an English voice', async () => {
    const topic = await topicToKeyIn();
    const call = voice.call(newPhone());
    await call.dial();
    const menu = await call.speak('English please');
    expectQuestion(menu, 'en');
    expect(menu.spoken).toContain('To hear the topics open for comment, press 1.');
    await call.speak('give my opinion');
    await call.speak(`topic ${topic.number}`);
    const done = await call.speak('I disagree');
    expect(done.spoken).toContain(`Noted: you oppose topic ${topic.code}.`);
  });

  it('lets a known caller skip the language question, and remembers a language chosen once', async () => {
    const cantonese = await caller({ locale: 'zh-HK' });
    const known = await voice.call(cantonese.phone).dial();
    expectQuestion(known, 'zh-HK');
    expect(known.gather?.attrs.action).toContain('step=menu');
    expect(known.spoken).toContain('你好，呢度係民生議事堂。');

    const undecided = await caller();
    const first = voice.call(undecided.phone);
    expect((await first.dial()).gather?.attrs.action).toContain('step=language');
    await first.press('3');
    const [stored] = await database.db.select().from(residents).where(eq(residents.id, undecided.id));
    expect(stored?.preferredLocale).toBe('en');
    const second = await voice.call(undecided.phone).dial();
    expectQuestion(second, 'en');
    expect(second.gather?.attrs.action).toContain('step=menu');
  });

  it('never reads anything personal aloud', async () => {
    const resident = await caller({ locale: 'zh-CN', name: '王秀英' });
    const call = voice.call(resident.phone);
    await call.dial();
    await call.press('5');
    await call.followRedirect();
    await call.press('0');
    const everything = call.heard.map((h) => h.xml).join('\n');
    expect(everything).not.toContain('王秀英');
    expect(everything).not.toContain(resident.phone);
    expect(everything).not.toContain(resident.phone.slice(3));
  });
});

describe('a call dropped mid-flow', () => {
  it('keeps the opinion given before the caller hung up', async () => {
    const topic = await topicToKeyIn();
    const resident = await caller({ locale: 'zh-CN' });
    const call = voice.call(resident.phone);
    await call.dial();
    await call.press('2');
    await call.press(String(topic.number));
    await call.press('1');
    // The caller hangs up at the message question: no further request comes.
    const stored = await opinionOf((await opinionIntake(call.callSid, topic.code))?.id ?? '');
    expect(stored).toMatchObject({ stance: 'support', residentId: resident.id });
  });

  it('keeps a need whose recording only the transcription callback reports', async () => {
    const resident = await caller({ locale: 'en' });
    const call = voice.call(resident.phone);
    await call.dial();
    await call.press('3');
    // The line drops as the recording ends; Twilio's action request never arrives, the transcript does.
    const recordingSid = newRecordingSid();
    await call.transcription({ recordingSid, text: 'Water is leaking from the roof of block 5.' });
    const [intake] = await database.db
      .select()
      .from(intakes)
      .where(eq(intakes.externalId, `${call.callSid}:need:${recordingSid}`));
    expect(intake?.kind).toBe('demand');
    const [demand] = await database.db
      .select()
      .from(demands)
      .where(eq(demands.intakeId, intake?.id ?? ''));
    expect(demand?.text).toBe('Water is leaking from the roof of block 5.');
  });
});

describe('the menu and a pending survey', () => {
  it('offers option 4 only with a survey waiting, and hands the call to the survey flow', async () => {
    const resident = await caller({ locale: 'zh-CN' });
    const none = voice.call(resident.phone);
    const plain = await none.dial();
    expect(plain.spoken).not.toContain('请按4');
    const noSurvey = await none.press('4');
    expect(noSurvey.spoken).toContain('您目前没有要回答的调查。');

    const { survey, questions } = await newSurvey(database.db, THREE_QUESTIONS);
    await promptSurveyQuestion(voice.ctx(), resident.id, survey, questions[0]?.id ?? '');
    const call = voice.call(resident.phone);
    const menu = await call.dial();
    expect(menu.spoken).toContain('要回答您的满意度调查，请按4。');
    const handed = await call.press('4');
    expect(handed.verbs).toEqual(['Redirect']);
    expect(pathOf(handed.redirect ?? '')).toBe(VOICE_SURVEY_FLOW_PATH);
  });
});

describe('the list of topics', () => {
  it('reads eight topics a page, # for the next page, # at the end for the menu', async () => {
    const fresh = await createTestDatabase();
    const local = createVoiceHarness(fresh);
    try {
      const made = [];
      for (let i = 0; i < 10; i += 1) made.push(await newTopic(fresh.db));
      await fresh.db
        .update(topics)
        .set({ status: 'closed' })
        .where(eq(topics.id, made[9]?.id ?? ''));
      const call = local.call(newPhone());
      await call.dial();
      await call.press('1');
      const first = await call.press('1');
      expect(first.spoken).toContain('正在征求意见的议题有9个。');
      expect(first.spoken).toContain('第8个');
      expect(first.spoken).not.toContain('第9个');
      expect(first.spoken).toContain('听后面的议题，请按井号键。');
      expect(first.gather?.attrs.finishOnKey).toBe('');
      const second = await call.press('#');
      expect(second.spoken).toContain('第1个');
      expect(second.spoken).not.toContain('第2个');
      expect(second.spoken).toContain('回到主菜单，请按井号键。');
      const menu = await call.press('#');
      expect(menu.gather?.attrs.action).toContain('step=menu');
    } finally {
      await local.deps.close();
      await fresh.close();
    }
  });
});
