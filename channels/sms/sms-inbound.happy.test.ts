import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newPhone,
  newSurvey,
  newTopic,
  promptSurveyQuestion,
  promptTopicNotice,
  residentWithPhone,
  THREE_QUESTIONS,
} from '../../src/conversations/conversation-test-kit.ts';
import { countSmsSegments } from '../../src/conversations/count-sms-segments.ts';
import { getPendingPrompt } from '../../src/conversations/get-pending-prompt.ts';
import { auditLog, demands, intakes, opinions, residents, surveyAnswers } from '../../src/db/schema.ts';
import { getI18n } from '../../src/i18n/i18n.ts';
import { isOptedOut } from '../../src/residents/is-opted-out.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { createSmsHarness, intakesFor, type SmsHarness } from './sms-test-setup.ts';
import { newMessageSid } from './twilio-test-kit.ts';

const en = getI18n().forLocale('en');

let database: TestDatabase;
let sms: SmsHarness;
/** Every reply sent in this file, checked for size at the end. */
const allReplies: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  sms = createSmsHarness(database);
});

afterAll(async () => {
  await sms.deps.close();
  await database.close();
});

async function send(from: string, body: string, options?: Parameters<SmsHarness['send']>[2]) {
  const res = await sms.send(from, body, options);
  expect(res.status).toBe(200);
  expect(res.contentType).toMatch(/^text\/xml/);
  allReplies.push(...res.replies);
  return res;
}

/** The one reply to a message. */
async function reply(from: string, body: string): Promise<string> {
  const res = await send(from, body);
  expect(res.replies).toHaveLength(1);
  return res.replies[0]!;
}

describe('POST /channels/sms/inbound after a topic notice', () => {
  it('takes 1, １, 反对 and "2 太吵了" as stances on the noticed topic', async () => {
    const topic = await newTopic(database.db);
    const resident = await residentWithPhone(sms.ctx());
    await promptTopicNotice(sms.ctx(), resident.id, topic.id);

    expect(await reply(resident.phone, '1')).toBe(`已收到您对议题${topic.code}的意见：支持。谢谢参与！`);
    expect(await reply(resident.phone, '１')).toBe(`已收到您对议题${topic.code}的意见：支持。谢谢参与！`);
    expect(await reply(resident.phone, '反对')).toBe(`已收到您对议题${topic.code}的意见：反对。谢谢参与！`);
    expect(await reply(resident.phone, '2 太吵了')).toBe(
      `已收到您对议题${topic.code}的意见：反对。谢谢参与！`,
    );
    expect(await reply(resident.phone, '电梯井会挡住一楼的采光')).toBe(
      `已收到您对议题${topic.code}的建议，谢谢参与！`,
    );

    const stored = await database.db
      .select({ stance: opinions.stance, text: opinions.text, channel: opinions.channel })
      .from(opinions)
      .where(eq(opinions.topicId, topic.id))
      .orderBy(asc(opinions.createdAt), asc(opinions.id));
    expect(stored.map((o) => [o.stance, o.text]).sort()).toEqual(
      [
        ['support', null],
        ['support', null],
        ['oppose', null],
        ['oppose', '太吵了'],
        ['suggestion', '电梯井会挡住一楼的采光'],
      ].sort(),
    );
    expect(stored.every((o) => o.channel === 'sms')).toBe(true);
  });

  it('answers HELP with what the notice asked, and TD / START with one confirmation each', async () => {
    const topic = await newTopic(database.db);
    const resident = await residentWithPhone(sms.ctx());
    await promptTopicNotice(sms.ctx(), resident.id, topic.id);

    expect(await reply(resident.phone, 'HELP')).toBe(
      `议题${topic.code}：支持回1，反对回2，有意见直接回复文字。退订回TD，咨询拨12345。`,
    );
    expect(await reply(resident.phone, 'TD')).toBe('您已退订短信通知。回复“订阅”可恢复。');
    expect(await isOptedOut(sms.ctx(), { residentId: resident.id, channel: 'sms' })).toBe(true);

    // A second TD is recorded but not confirmed again: an empty TwiML response.
    const again = await send(resident.phone, 'td');
    expect(again.replies).toEqual([]);
    expect(again.xml).toMatch(/<Response\/>$/);

    expect(await reply(resident.phone, 'START')).toBe('您已恢复接收短信通知。回复TD可退订。');
    expect(await isOptedOut(sms.ctx(), { residentId: resident.id, channel: 'sms' })).toBe(false);

    const actions = await database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.subjectId, resident.id))
      .orderBy(asc(auditLog.seq));
    expect(actions.map((a) => a.action)).toEqual(['resident.opt_out', 'resident.opt_in']);
    const kinds = await database.db
      .select({ kind: intakes.kind })
      .from(intakes)
      .where(eq(intakes.residentId, resident.id))
      .orderBy(asc(intakes.createdAt), asc(intakes.receivedAt));
    expect(kinds.map((k) => k.kind).sort()).toEqual(['help', 'opt_in', 'opt_out', 'opt_out'].sort());
  });
});

describe('POST /channels/sms/inbound: a three-question survey, one question per message', () => {
  it('walks through the survey with mixed answers, clarifying "7" and "1 2" once each', async () => {
    const topic = await newTopic(database.db, 'evaluating');
    const { survey, questions } = await newSurvey(database.db, THREE_QUESTIONS, topic.id);
    const [q1, q2, q3] = questions;
    const resident = await residentWithPhone(sms.ctx());
    await promptSurveyQuestion(sms.ctx(), resident.id, survey, q1!.id);

    expect(await reply(resident.phone, '7')).toBe(
      '请回复1至5：1非常满意，2满意，3基本满意，4不满意，5很不满意。跳过回0',
    );
    expect(await reply(resident.phone, '1')).toBe(
      '已记录。（2/3）您对施工期间的安排满意吗？非常满意回1，满意回2，基本满意回3，不满意回4，很不满意回5，跳过回0',
    );
    expect(await reply(resident.phone, '1 2')).toBe(
      '请回复1至5：1非常满意，2满意，3基本满意，4不满意，5很不满意。跳过回0',
    );
    expect(await reply(resident.phone, '满意')).toBe(
      '已记录。（3/3）您还有什么建议？请直接回复文字，跳过回0',
    );
    expect(await reply(resident.phone, '跳过')).toBe('已跳过，感谢您参与评价！');
    expect(await getPendingPrompt(sms.ctx(), { residentId: resident.id })).toBeUndefined();

    const answers = await database.db
      .select({
        questionId: surveyAnswers.questionId,
        answer: surveyAnswers.answer,
        topicId: surveyAnswers.topicId,
      })
      .from(surveyAnswers)
      .where(and(eq(surveyAnswers.surveyId, survey.id), eq(surveyAnswers.residentId, resident.id)));
    expect(answers).toHaveLength(3);
    expect(Object.fromEntries(answers.map((a) => [a.questionId, a.answer]))).toEqual({
      [q1!.id]: 'very_satisfied',
      [q2!.id]: 'satisfied',
      [q3!.id]: 'skipped',
    });
    expect(answers.every((a) => a.topicId === topic.id)).toBe(true);

    // The unclear replies are kept, linked to the survey, but are not answers.
    const unclear = await database.db
      .select({ text: intakes.text, surveyRef: intakes.surveyRef })
      .from(intakes)
      .where(and(eq(intakes.residentId, resident.id), eq(intakes.kind, 'unclassified')));
    expect(unclear.map((u) => u.text).sort()).toEqual(['1 2', '7']);
    expect(unclear.every((u) => u.surveyRef === survey.code)).toBe(true);
  });

  it('takes 很不满意 and a written answer, and keeps a second unclear reply without asking again', async () => {
    const { survey, questions } = await newSurvey(database.db, THREE_QUESTIONS);
    const resident = await residentWithPhone(sms.ctx());
    await promptSurveyQuestion(sms.ctx(), resident.id, survey, questions[0]!.id);

    expect(await reply(resident.phone, '很不满意')).toMatch(/^已记录。（2\/3）/);
    expect(await reply(resident.phone, '8')).toMatch(/^请回复1至5/);
    expect(await reply(resident.phone, '9')).toBe('已保存您的留言，工作人员会查看。咨询请拨12345。');
    expect(await reply(resident.phone, '５')).toMatch(/^已记录。（3\/3）/);
    expect(await reply(resident.phone, '施工时间太长，希望下次提前通知')).toBe('已记录，感谢您参与评价！');

    const answers = await database.db
      .select({ answer: surveyAnswers.answer })
      .from(surveyAnswers)
      .where(eq(surveyAnswers.residentId, resident.id));
    expect(answers.map((a) => a.answer).sort()).toEqual(
      // Stored normalised (full-width punctuation folded), as the pipeline stores all answers.
      ['very_dissatisfied', 'very_dissatisfied', '施工时间太长，希望下次提前通知'.normalize('NFKC')].sort(),
    );
  });

  it('stores an answer that arrives after the prompt expired, linked to its question, and says so', async () => {
    const { survey, questions } = await newSurvey(database.db, THREE_QUESTIONS);
    const resident = await residentWithPhone(sms.ctx());
    await promptSurveyQuestion(sms.ctx(), resident.id, survey, questions[0]!.id, 60_000);
    sms.deps.clock.advance(2 * 60_000);

    expect(await reply(resident.phone, '2')).toBe('已收到并记录您的回复，谢谢！本次调查已结束。');
    const [answer] = await database.db
      .select()
      .from(surveyAnswers)
      .where(eq(surveyAnswers.residentId, resident.id));
    expect(answer).toMatchObject({ surveyId: survey.id, questionId: questions[0]!.id, answer: 'satisfied' });
    expect(await getPendingPrompt(sms.ctx(), { residentId: resident.id })).toBeUndefined();
  });

  it('answers the same MessageSid sent 10 times at once with one intake and identical replies', async () => {
    const { survey, questions } = await newSurvey(database.db, THREE_QUESTIONS);
    const resident = await residentWithPhone(sms.ctx());
    await promptSurveyQuestion(sms.ctx(), resident.id, survey, questions[0]!.id);
    const messageSid = newMessageSid();

    const results = await Promise.all(
      Array.from({ length: 10 }, () => send(resident.phone, '1', { messageSid })),
    );
    expect(new Set(results.map((r) => r.xml)).size).toBe(1);
    expect(results[0]!.replies).toEqual([expect.stringMatching(/^已记录。（2\/3）/)]);
    expect(await intakesFor(database, messageSid)).toHaveLength(1);
    expect(
      await database.db.select().from(surveyAnswers).where(eq(surveyAnswers.residentId, resident.id)),
    ).toHaveLength(1);
    // The survey moved on by one question, not ten.
    expect((await getPendingPrompt(sms.ctx(), { residentId: resident.id }))?.question?.id).toBe(
      questions[1]!.id,
    );
  });

  it('answers 30 residents replying at once, each to their own question, and two messages of one in order', async () => {
    const { survey, questions } = await newSurvey(database.db, THREE_QUESTIONS);
    const residents = await Promise.all(Array.from({ length: 30 }, () => residentWithPhone(sms.ctx())));
    for (const resident of residents) {
      await promptSurveyQuestion(sms.ctx(), resident.id, survey, questions[0]!.id);
    }
    const [keen] = residents;

    const results = await Promise.all([
      ...residents.map((resident) => send(resident.phone, '满意')),
      send(keen!.phone, '很不满意'),
    ]);
    expect(results.slice(0, 30).map((r) => r.replies[0])).toEqual(
      Array.from({ length: 30 }, () => expect.stringMatching(/^已记录。（2\/3）/)),
    );
    // The second message of the same resident answers the second question, after the first.
    expect(results[30]!.replies).toEqual([expect.stringMatching(/^已记录。（3\/3）/)]);
    const answers = await database.db
      .select({ residentId: surveyAnswers.residentId, questionId: surveyAnswers.questionId })
      .from(surveyAnswers)
      .where(eq(surveyAnswers.surveyId, survey.id));
    expect(answers).toHaveLength(31);
    expect(answers.filter((a) => a.residentId === keen!.id).map((a) => a.questionId)).toEqual(
      expect.arrayContaining([questions[0]!.id, questions[1]!.id]),
    );
    for (const resident of residents.slice(1)) {
      expect((await getPendingPrompt(sms.ctx(), { residentId: resident.id }))?.question?.id).toBe(
        questions[1]!.id,
      );
    }
  });
});

describe('POST /channels/sms/inbound with no context', () => {
  it('files free text as a demand', async () => {
    const phone = newPhone();
    expect(await reply(phone, '小区东门的路灯坏了一个月了')).toBe('已收到您的诉求，社区会尽快跟进。谢谢！');
    const [row] = await database.db
      .select({ text: demands.text, channel: demands.channel })
      .from(demands)
      .innerJoin(residents, eq(residents.id, demands.residentId))
      .where(eq(residents.phoneHash, sms.deps.pii.phoneHash(phone)));
    expect(row).toEqual({ text: '小区东门的路灯坏了一个月了', channel: 'sms' });
  });

  it('takes "T23 支持" as support for that topic', async () => {
    const topic = await newTopic(database.db);
    expect(await reply(newPhone(), `${topic.code} 支持`)).toBe(
      `已收到您对议题${topic.code}的意见：支持。谢谢参与！`,
    );
    expect(await database.db.select().from(opinions).where(eq(opinions.topicId, topic.id))).toMatchObject([
      { stance: 'support', channel: 'sms' },
    ]);
  });

  it('answers a bare digit with the help menu and keeps it', async () => {
    const res = await send(newPhone(), '1');
    expect(res.replies).toEqual([
      '民生议事堂：回复“T编号 支持/反对/意见”参与议题，如“T23 支持”。退订回TD，咨询拨12345。',
    ]);
  });
});

describe('POST /channels/sms/inbound: the reply language', () => {
  it('uses the stored preference over the language of the message', async () => {
    const resident = await residentWithPhone(sms.ctx());
    await database.db.update(residents).set({ preferredLocale: 'en' }).where(eq(residents.id, resident.id));
    expect(await reply(resident.phone, '路灯坏了')).toBe(en('pipeline:demand.recorded'));
  });

  it('answers Traditional Chinese in zh-HK and English in en when nothing is stored', async () => {
    expect(await reply(newPhone(), '屋苑門口嘅路燈壞咗好耐')).toBe(
      getI18n().forLocale('zh-HK')('pipeline:demand.recorded'),
    );
    expect(await reply(newPhone(), 'The street light at the east gate is broken')).toBe(
      en('pipeline:demand.recorded'),
    );
  });

  it('asks the survey question in the resident’s language', async () => {
    const { survey, questions } = await newSurvey(database.db, THREE_QUESTIONS);
    const resident = await residentWithPhone(sms.ctx());
    await database.db
      .update(residents)
      .set({ preferredLocale: 'zh-HK' })
      .where(eq(residents.id, resident.id));
    await promptSurveyQuestion(sms.ctx(), resident.id, survey, questions[0]!.id);
    expect(await reply(resident.phone, '满意')).toBe(
      '已記錄。（2/3）您對施工期間的安排滿意嗎？非常滿意回1，滿意回2，基本滿意回3，不滿意回4，很不滿意回5，跳過回0',
    );
  });
});

describe('POST /channels/sms/inbound: parameters', () => {
  it('accepts parameters it does not know, which are signed over like the rest', async () => {
    const res = await send(newPhone(), '小区垃圾分类点太远', {
      extra: { AddOns: '{"status":"successful"}', NewTwilioField: 'x', MediaContentType0: 'image/jpeg' },
    });
    expect(res.replies).toHaveLength(1);
  });
});

describe('POST /channels/sms/inbound: metrics', () => {
  it('counts on /metrics the messages understood from what was last seen of their sender', async () => {
    const lookups = async (result: 'hit' | 'miss') => {
      const text = await (await sms.app.request('/metrics')).text();
      const match = text.match(new RegExp(`sms_context_cache_lookups_total\\{result="${result}"\\} (\\d+)`));
      if (!match) throw new Error(`no ${result} count on /metrics`);
      return Number(match[1]);
    };
    const [hits, misses] = [await lookups('hit'), await lookups('miss')];
    const phone = newPhone();
    await reply(phone, '楼道灯坏了');
    await reply(phone, '电梯也坏了');
    expect(await lookups('miss')).toBe(misses + 1);
    expect(await lookups('hit')).toBe(hits + 1);
  });
});

describe('POST /channels/sms/inbound: reply size', () => {
  it('kept every reply above within two segments', () => {
    expect(allReplies.length).toBeGreaterThan(20);
    for (const text of allReplies) expect(countSmsSegments(text).segments, text).toBeLessThanOrEqual(2);
  });
});
