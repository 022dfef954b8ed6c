import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open-database.ts';
import { intakes, opinions, residents, surveyAnswers, topics } from '../db/schema.ts';
import { setChannelOptOut } from '../residents/set-channel-opt-out.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { testDbKind } from '../testing/test-database.ts';
import { advancePendingPrompt } from './advance-pending-prompt.ts';
import { answerSmsBatch } from './answer-sms-batch.ts';
import {
  inboundSms,
  newPhone,
  newSmsSid,
  newSurvey,
  newTopic,
  promptSurveyQuestion,
  promptTopicNotice,
  residentWithPhone,
  smsToAnswer,
  THREE_QUESTIONS,
  useConversationDatabase,
} from './conversation-test-kit.ts';
import { getPendingPrompt } from './get-pending-prompt.ts';
import { handleSmsReply } from './handle-sms-reply.ts';
import { smsContextCache } from './sms-context-cache.ts';

const setup = useConversationDatabase();
const { ctx } = setup;
/** Sends one message through the batch path and says whether its context came from the cache. */
async function send(c: ReturnType<typeof ctx>, from: string, body: string, messageSid?: string) {
  const cache = smsContextCache(c.db);
  const hits = cache.hits;
  const [answered] = await answerSmsBatch(c, [smsToAnswer(from, body, messageSid)]);
  return { answered, fromCache: cache.hits > hits };
}

/** The same, falling back to the transactional path as the SMS channel does. */
function reply(c: ReturnType<typeof ctx>, from: string, body: string, messageSid = newSmsSid()) {
  return handleSmsReply(c, inboundSms(from, body, messageSid));
}

function answersOf(residentId: string) {
  return setup.database.db
    .select({ questionId: surveyAnswers.questionId, answer: surveyAnswers.answer })
    .from(surveyAnswers)
    .where(eq(surveyAnswers.residentId, residentId))
    .orderBy(surveyAnswers.createdAt);
}

describe('a sender seen recently', () => {
  it('is answered from what this process last read or wrote, without reading again', async () => {
    const c = ctx();
    const phone = newPhone();
    const first = await send(c, phone, '楼道灯坏了');
    expect(first).toMatchObject({ fromCache: false, answered: { outcome: { kind: 'demand' } } });

    const second = await send(c, phone, '电梯也坏了');
    expect(second).toMatchObject({ fromCache: true, answered: { outcome: { kind: 'demand' } } });
    const [intake] = await setup.database.db
      .select()
      .from(intakes)
      .where(eq(intakes.id, second.answered!.intakeId));
    expect(intake?.residentId).toBe(first.answered!.outcome.residentId);
  });

  it('answers a whole survey one question after another from what it wrote', async () => {
    const c = ctx();
    const { survey, questions } = await newSurvey(c.db, THREE_QUESTIONS);
    const resident = await residentWithPhone(c);
    await promptSurveyQuestion(c, resident.id, survey, questions[0]!.id);

    const q1 = await send(c, resident.phone, '满意');
    const q2 = await send(c, resident.phone, '不满意');
    const q3 = await send(c, resident.phone, '希望多装几个扶手');
    expect([q1.fromCache, q2.fromCache, q3.fromCache]).toEqual([false, true, true]);
    expect(q2.answered).toMatchObject({
      meaning: 'survey_answer',
      outcome: { messageKey: 'sms:survey.next' },
    });
    expect(q3.answered).toMatchObject({ meaning: 'survey_answer' });
    expect(await answersOf(resident.id)).toEqual([
      { questionId: questions[0]!.id, answer: 'satisfied' },
      { questionId: questions[1]!.id, answer: 'dissatisfied' },
      { questionId: questions[2]!.id, answer: '希望多装几个扶手' },
    ]);
    expect(await getPendingPrompt(c, { residentId: resident.id })).toBeUndefined();
  });

  it('is read afresh after a message of theirs took the transactional path', async () => {
    const c = ctx();
    const phone = newPhone();
    await send(c, phone, '你好');
    // An opt-out is audited one message at a time; what was kept of the sender no longer holds.
    await reply(c, phone, 'TD');
    expect((await send(c, phone, '路灯坏了')).fromCache).toBe(false);
  });

  it('gives a repeated message id its first answer and stores it once', async () => {
    const c = ctx();
    const phone = newPhone();
    await send(c, phone, '你好');
    const messageSid = newSmsSid();
    const first = await reply(c, phone, '路灯不亮', messageSid);
    const again = await reply(c, phone, '路灯不亮', messageSid);
    expect(again).toMatchObject({ duplicate: true, intakeId: first.intakeId, reply: first.reply });
    expect(
      await setup.database.db.select().from(intakes).where(eq(intakes.externalId, messageSid)),
    ).toHaveLength(1);
  });
});

describe('a change made elsewhere after the sender was seen', () => {
  it('writes nothing against an opt-out state that changed, and reads the sender afresh', async () => {
    const c = ctx();
    const resident = await residentWithPhone(c);
    await send(c, resident.phone, '你好');
    // Another process (the outreach worker on a 21610, a staff member) opts them out.
    await setChannelOptOut(c, { residentId: resident.id, channel: 'sms', optedOut: true, reason: 'test' });

    const stale = await send(c, resident.phone, '路灯坏了');
    expect(stale).toEqual({ answered: undefined, fromCache: true });
    const fresh = await send(c, resident.phone, '路灯坏了');
    expect(fresh).toMatchObject({ fromCache: false, answered: { outcome: { kind: 'demand' } } });
    // Opted-out senders are not kept: they are read every time.
    expect((await send(c, resident.phone, '还是坏的')).fromCache).toBe(false);

    // Opted back in elsewhere: the row stays, marked opted in, and they are kept again.
    await setChannelOptOut(c, { residentId: resident.id, channel: 'sms', optedOut: false, reason: 'test' });
    await send(c, resident.phone, '修好了');
    expect(await send(c, resident.phone, '谢谢')).toMatchObject({
      fromCache: true,
      answered: { duplicate: false },
    });
  });

  it('answers a survey question sent after the sender was seen with no prompt', async () => {
    const c = ctx();
    const { survey, questions } = await newSurvey(c.db, THREE_QUESTIONS);
    const resident = await residentWithPhone(c);
    await send(c, resident.phone, '你好');
    await promptSurveyQuestion(c, resident.id, survey, questions[0]!.id);

    const answered = await reply(c, resident.phone, '满意');
    expect(answered.kind).toBe('survey_answer');
    expect(await answersOf(resident.id)).toEqual([{ questionId: questions[0]!.id, answer: 'satisfied' }]);
  });

  it('answers the question the survey is at now, not the one it was at when last seen', async () => {
    const c = ctx();
    const { survey, questions } = await newSurvey(c.db, THREE_QUESTIONS);
    const resident = await residentWithPhone(c);
    await promptSurveyQuestion(c, resident.id, survey, questions[0]!.id);
    await send(c, resident.phone, '满意');
    await advancePendingPrompt(c, {
      residentId: resident.id,
      surveyId: survey.id,
      fromQuestionId: questions[1]!.id,
      toQuestionId: questions[2]!.id,
    });

    await reply(c, resident.phone, '多装扶手');
    expect(await answersOf(resident.id)).toEqual([
      { questionId: questions[0]!.id, answer: 'satisfied' },
      { questionId: questions[2]!.id, answer: '多装扶手' },
    ]);
  });

  it('replies in the language the resident chose meanwhile', async () => {
    const c = ctx();
    const resident = await residentWithPhone(c);
    await send(c, resident.phone, '你好');
    await setup.database.db
      .update(residents)
      .set({ preferredLocale: 'en' })
      .where(eq(residents.id, resident.id));

    const answered = await reply(c, resident.phone, 'HELP');
    expect(answered.locale).toBe('en');
  });

  it('stops taking stances on a noticed topic once it is no longer open for opinions', async () => {
    const c = ctx();
    const topic = await newTopic(c.db, 'published');
    const resident = await residentWithPhone(c);
    await promptTopicNotice(c, resident.id, topic.id);
    const before = await send(c, resident.phone, `${topic.code} 支持`);
    expect(before.answered?.outcome.kind).toBe('opinion');
    await setup.database.db.update(topics).set({ status: 'evaluating' }).where(eq(topics.id, topic.id));

    await reply(c, resident.phone, `${topic.code} 反对`);
    const stances = await setup.database.db
      .select({ stance: opinions.stance })
      .from(opinions)
      .where(eq(opinions.residentId, resident.id));
    expect(stances).toEqual([{ stance: 'support' }]);
  });

  it('links a message to a topic created under the number it names after it was read as none', async () => {
    const c = ctx();
    const number = 900_000 + randomInt(0, 99_999);
    const phone = newPhone();
    await send(c, phone, `T${number} 支持`);
    const [topic] = await setup.database.db
      .insert(topics)
      .values({
        number,
        title: { 'zh-CN': '停车位' },
        summary: { 'zh-CN': '' },
        source: 'online',
        status: 'published',
      })
      .returning();

    const answered = await reply(c, phone, `T${number} 支持`);
    expect(answered.kind).toBe('opinion');
    const [opinion] = await setup.database.db
      .select()
      .from(opinions)
      .where(eq(opinions.intakeId, answered.intakeId));
    expect(opinion).toMatchObject({ topicId: topic!.id, stance: 'support' });
  });
});

describe.runIf(testDbKind() === 'postgres')('two web processes answering the same residents', () => {
  it('each answers from what is stored now, whatever the other did since it last saw the sender', async () => {
    const url = setup.database.url;
    if (!url) throw new Error('PostgreSQL test databases have a URL');
    const other = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
    try {
      const a = ctx();
      const b = createTestCtx(other.db, { actor: { type: 'resident', via: 'sms' } });
      const { survey, questions } = await newSurvey(a.db, THREE_QUESTIONS);
      const resident = await residentWithPhone(a);
      await promptSurveyQuestion(a, resident.id, survey, questions[0]!.id);

      expect(await send(a, resident.phone, '满意')).toMatchObject({ fromCache: false });
      expect(await send(b, resident.phone, '很满意')).toMatchObject({ fromCache: false });
      // A last saw the survey at question 2; B has moved it to question 3.
      const stale = await send(a, resident.phone, '多装扶手');
      expect(stale).toEqual({ answered: undefined, fromCache: true });
      await reply(a, resident.phone, '多装扶手');
      expect(await answersOf(resident.id)).toEqual([
        { questionId: questions[0]!.id, answer: 'satisfied' },
        { questionId: questions[1]!.id, answer: 'very_satisfied' },
        { questionId: questions[2]!.id, answer: '多装扶手' },
      ]);

      // B takes the opt-out; A's next message is not written against its older reading.
      await reply(b, resident.phone, 'TD');
      expect(await send(a, resident.phone, '路灯坏了')).toEqual({ answered: undefined, fromCache: true });
      expect((await reply(a, resident.phone, 'TD')).reply).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});
