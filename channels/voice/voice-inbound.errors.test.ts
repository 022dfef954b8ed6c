import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPhone, newTopic, residentWithPhone } from '../../src/conversations/conversation-test-kit.ts';
import { intakes, opinions, residents, topics, voiceCallbacks, voiceCalls } from '../../src/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { makeStaff, signInDirectly } from '../console/console-test-kit.ts';
import { newCallSid, TEST_PUBLIC_BASE_URL } from '../sms/twilio-test-kit.ts';
import {
  createVoiceHarness,
  expectQuestion,
  newRecordingSid,
  ScriptedCall,
  type VoiceHarness,
} from './call-script.ts';
import { DEAD_LINE_SILENCES } from './inbound-flow.ts';
import { SLOW_SPEECH_RATE } from './voice-twiml.ts';

let database: TestDatabase;
let voice: VoiceHarness;
/** T1…T9 in this file's fresh database; T9 is open. */
let nine: typeof topics.$inferSelect;

beforeAll(async () => {
  database = await createTestDatabase();
  voice = createVoiceHarness(database);
  for (let i = 0; i < 9; i += 1) nine = await newTopic(database.db);
  expect(nine.number).toBe(9);
});

afterAll(async () => {
  await voice.deps.close();
  await database.close();
});

async function knownCaller() {
  const resident = await residentWithPhone(voice.ctx());
  await database.db.update(residents).set({ preferredLocale: 'zh-CN' }).where(eq(residents.id, resident.id));
  return resident;
}

describe('topic codes that do not lead anywhere', () => {
  it('says a topic does not exist and asks again, more simply', async () => {
    const call = voice.call((await knownCaller()).phone);
    await call.dial();
    await call.press('2');
    const again = await call.press('99999');
    expectQuestion(again, 'zh-CN');
    expect(again.spoken).toContain('没有找到议题T99999。');
    expect(again.spoken).toContain('请按议题编号，再按井号键。');
    expect(again.gather?.attrs.action).toContain('step=code');
  });

  it('says a closed topic takes no opinions and returns to the menu, storing nothing', async () => {
    const closed = await newTopic(database.db, 'closed');
    const call = voice.call((await knownCaller()).phone);
    await call.dial();
    await call.press('2');
    const menu = await call.press(String(closed.number));
    expect(menu.spoken).toContain(`议题${closed.code}现在不收集意见。`);
    expect(menu.gather?.attrs.action).toContain('step=menu');
    const [n] = await database.db
      .select({ n: count() })
      .from(opinions)
      .where(eq(opinions.topicId, closed.id));
    expect(n?.n).toBe(0);
  });

  it('asks whether 9 alone means slower speech or topic T9 while T9 is open', async () => {
    const call = voice.call((await knownCaller()).phone);
    await call.dial();
    await call.press('2');
    const which = await call.press('9');
    expectQuestion(which, 'zh-CN');
    expect(which.spoken).toContain('要说慢一点，请按1；要选议题T9，请按2。');
    const slow = await call.press('1');
    expect(slow.gather?.attrs.action).toContain('step=code');
    expect(slow.lines.every((l) => l.rate === SLOW_SPEECH_RATE)).toBe(true);
    await call.press('9');
    const stance = await call.press('2');
    expect(stance.spoken).toContain(`议题${nine.code}`);
  });

  it('takes 9 as slower speech when there is no open T9', async () => {
    await database.db.update(topics).set({ status: 'closed' }).where(eq(topics.id, nine.id));
    try {
      const call = voice.call((await knownCaller()).phone);
      await call.dial();
      await call.press('2');
      const slow = await call.press('9');
      expect(slow.spoken).toContain('好的，我会说慢一点。');
      expect(slow.gather?.attrs.action).toContain('step=code');
    } finally {
      await database.db.update(topics).set({ status: 'published' }).where(eq(topics.id, nine.id));
    }
  });
});

describe('answers that answer nothing', () => {
  it('re-asks a question whose spoken answer matched nothing, without storing anything', async () => {
    const topic = await newTopic(database.db);
    const call = voice.call((await knownCaller()).phone);
    await call.dial();
    await call.press('2');
    await call.press(String(topic.number));
    const again = await call.speak('今天天气不错', 0.4);
    expectQuestion(again, 'zh-CN');
    expect(again.spoken).toContain('抱歉，没有听明白。');
    expect(again.spoken).toContain('支持按1，反对按2，建议按3。');
    const again2 = await call.press('7');
    expect(again2.gather?.attrs.action).toContain('step=offer');
    const [n] = await database.db.select({ n: count() }).from(opinions).where(eq(opinions.topicId, topic.id));
    expect(n?.n).toBe(0);
  });

  it('does not read "再说一遍" ("say it once more") as the number one', async () => {
    const topic = await newTopic(database.db);
    const call = voice.call((await knownCaller()).phone);
    await call.dial();
    await call.press('2');
    const stance = await call.press(String(topic.number));
    const repeated = await call.speak('请再说一遍');
    expect(repeated.spoken).toBe(stance.spoken);
  });

  it('offers the message question again when nothing was recorded, and returns to the menu for an empty need', async () => {
    const topic = await newTopic(database.db);
    const call = voice.call((await knownCaller()).phone);
    await call.dial();
    await call.press('2');
    await call.press(String(topic.number));
    await call.press('1');
    await call.press('1');
    // Silence after the beep: Twilio skips the action and follows the Redirect after <Record>.
    const nothing = await call.followRedirect();
    expectQuestion(nothing, 'zh-CN');
    expect(nothing.spoken).toContain('没有录到声音。');
    expect(nothing.gather?.attrs.action).toContain('step=message');

    await call.press('2');
    await call.press('3');
    const noNeed = await call.followRedirect();
    expect(noNeed.spoken).toContain('没有录到声音，问题没有记下。');
    expect(noNeed.gather?.attrs.action).toContain('step=menu');
    const [n] = await database.db
      .select({ n: count() })
      .from(intakes)
      .where(and(eq(intakes.channel, 'voice'), eq(intakes.kind, 'demand')));
    expect(n?.n).toBe(0);
  });

  it('ignores a failed transcription', async () => {
    const call = voice.call((await knownCaller()).phone);
    await call.dial();
    await call.press('3');
    const recordingSid = newRecordingSid();
    await call.recordMessage({ seconds: 4, recordingSid });
    const ack = await call.transcription({ recordingSid, text: '', status: 'failed' });
    expect(ack.verbs).toEqual([]);
    const [intake] = await database.db
      .select()
      .from(intakes)
      .where(eq(intakes.externalId, `${call.callSid}:need:${recordingSid}`));
    expect(intake?.audio).not.toHaveProperty('transcript');
  });

  it('answers an unknown step with the menu', async () => {
    const call = voice.call((await knownCaller()).phone);
    await call.dial();
    const menu = await call.post(`${TEST_PUBLIC_BASE_URL}/channels/voice/answer?step=nonsense`, {
      Digits: '1',
    });
    expect(menu.gather?.attrs.action).toContain('step=menu');
  });
});

describe('repeated and changed answers', () => {
  it('stores a stance Twilio delivers twice once, and keeps the first when the caller changes their mind', async () => {
    const topic = await newTopic(database.db);
    const call = voice.call((await knownCaller()).phone);
    await call.dial();
    await call.press('2');
    await call.press(String(topic.number));
    const stanceUrl = call.last.gather?.attrs.action ?? '';
    const first = await call.post(stanceUrl, { Digits: '1' });
    const replay = await call.post(stanceUrl, { Digits: '1' });
    expect(replay.spoken).toBe(first.spoken);
    const changed = await call.post(stanceUrl, { Digits: '2' });
    expect(changed.spoken).toContain(`这次通话中您已经对议题${topic.code}发表过意见，以第一次为准。`);
    expect(changed.spoken).toContain(`已记下：您支持议题${topic.code}。`);
    const stored = await database.db.select().from(opinions).where(eq(opinions.topicId, topic.id));
    expect(stored.map((o) => o.stance)).toEqual(['support']);
  });

  it('keeps one call record when Twilio repeats the first webhook', async () => {
    const call = voice.call(newPhone());
    const first = await call.dial();
    const again = await call.dial();
    expect(again.xml).toBe(first.xml);
    const rows = await database.db.select().from(voiceCalls).where(eq(voiceCalls.callSid, call.callSid));
    expect(rows).toHaveLength(1);
  });
});

describe('reaching a person when it cannot be done', () => {
  it('tells a caller with a withheld number out of hours to call the help line, storing no call-back', async () => {
    voice.deps.clock.set('2026-11-28T02:00:00Z');
    try {
      const call = voice.call('anonymous');
      await call.dial();
      await call.press('1');
      const closed = await call.press('0');
      expect(closed.spoken).toContain('您的号码没有显示，我们无法回电。请在工作时间拨打12345。');
      expect(closed.hangsUp).toBe(false);
      const rows = await database.db
        .select()
        .from(voiceCallbacks)
        .where(eq(voiceCallbacks.callSid, call.callSid));
      expect(rows).toHaveLength(0);
    } finally {
      voice.deps.clock.set('2026-11-27T02:00:00Z');
    }
  });

  it('books a call-back in office hours when no transfer number is configured', async () => {
    const fresh = await createTestDatabase();
    const local = createVoiceHarness(fresh, { VOICE_TRANSFER_NUMBER: '' });
    try {
      const resident = await residentWithPhone(local.ctx());
      const call = local.call(resident.phone);
      await call.dial();
      await call.press('1');
      const booked = await call.press('0');
      expect(booked.dial).toBeUndefined();
      expect(booked.spoken).toContain('现在没有工作人员接听电话。');
      expect(booked.spoken).toContain('已为您登记回电');
    } finally {
      await local.deps.close();
      await fresh.close();
    }
  });

  it('books one call-back per call, however often the caller asks', async () => {
    voice.deps.clock.set('2026-11-28T02:00:00Z');
    try {
      const resident = await knownCaller();
      const call = voice.call(resident.phone);
      await call.dial();
      await call.press('0');
      await call.followRedirect();
      await call.press('5');
      const rows = await database.db
        .select()
        .from(voiceCallbacks)
        .where(eq(voiceCallbacks.callSid, call.callSid));
      expect(rows).toHaveLength(1);
    } finally {
      voice.deps.clock.set('2026-11-27T02:00:00Z');
    }
  });
});

describe('a line gone dead', () => {
  it(`says goodbye only after ${DEAD_LINE_SILENCES} silent questions in a row, having put the caller through first`, async () => {
    const call = voice.call((await knownCaller()).phone);
    await call.dial();
    let heard = await call.silence();
    let silences = 1;
    while (!heard.hangsUp) {
      if (heard.dial) {
        heard = await call.transferEnds('no-answer');
        heard = await call.followRedirect();
        continue;
      }
      heard = await call.silence();
      silences += 1;
      expect(silences).toBeLessThanOrEqual(DEAD_LINE_SILENCES);
    }
    expect(silences).toBe(DEAD_LINE_SILENCES);
    expect(heard.spoken).toContain('一直没有听到您的声音。需要帮助请拨打12345。再见。');
    expect(call.heard.some((h) => ScriptedCall.dialled(h) !== undefined)).toBe(true);
  });
});

describe('malformed webhooks', () => {
  it('refuses a request without a valid CallSid with 400, storing nothing', async () => {
    const call = voice.call(newPhone(), { callSid: 'not-a-call' });
    const res = await call.send('/channels/voice/inbound', call.baseParams('ringing'));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('malformed_request');
    expect(body.error.message).toContain('CallSid');
    const rows = await database.db.select().from(voiceCalls).where(eq(voiceCalls.callSid, 'not-a-call'));
    expect(rows).toHaveLength(0);
  });

  it('tells the caller in their language when something fails inside, instead of going silent', async () => {
    const broken = await createTestDatabase();
    const local = createVoiceHarness(broken);
    await broken.close();
    try {
      const call = local.call(newPhone(), { callSid: newCallSid() });
      const sorry = await call.dial();
      expect(sorry.spoken).toContain('抱歉，系统暂时出了问题。请稍后再打，或拨打12345。');
    } finally {
      await local.deps.close();
    }
  });
});

describe('the call-back list', () => {
  it('refuses to mark a call-back done twice, or one that does not exist', async () => {
    voice.deps.clock.set('2026-11-28T02:00:00Z');
    const resident = await knownCaller();
    const call = voice.call(resident.phone);
    await call.dial();
    await call.press('5');
    voice.deps.clock.set('2026-11-27T02:00:00Z');
    const [row] = await database.db
      .select()
      .from(voiceCallbacks)
      .where(eq(voiceCallbacks.callSid, call.callSid));
    const worker = await makeStaff(voice.deps, ['grid_worker']);
    const { cookie, csrfToken } = await signInDirectly(voice.deps, worker.id);
    const post = (id: string) =>
      voice.app.request(`/console/callbacks/${id}/done`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ _csrf: csrfToken }),
      });
    const tooLong = await voice.app.request(`/console/callbacks/${row?.id}/done`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ _csrf: csrfToken, note: '长'.repeat(501) }),
    });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain('备注最多500个字。');
    expect((await post(row?.id ?? '')).status).toBe(303);
    const twice = await post(row?.id ?? '');
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain('这个回电请求已经由同事处理了。');
    const missing = await post('00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('找不到这个回电请求。');
    const malformed = await post('nonsense');
    expect(malformed.status).toBe(404);
  });
});
