import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { demands, intakes, opinions, pendingPrompts, residents, surveyAnswers } from '../db/schema.ts';
import { type AnswerSmsInput, answerSmsBatch } from './answer-sms-batch.ts';
import {
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
import { readSmsReplyContexts, type SmsReplyContextKey } from './read-sms-reply-contexts.ts';
import { recordSmsReplies, type SmsReplyRecord } from './record-sms-replies.ts';
import { setPendingPrompt } from './set-pending-prompt.ts';

const setup = useConversationDatabase();

const { ctx } = setup;
const sid = newSmsSid;

async function answerSmsAtOnce(c: ReturnType<typeof ctx>, input: AnswerSmsInput) {
  const [answered] = await answerSmsBatch(c, [input]);
  return answered;
}

async function readSmsReplyContext(c: ReturnType<typeof ctx>, key: SmsReplyContextKey) {
  const [read] = await readSmsReplyContexts(c, [key]);
  return read!;
}

async function recordSmsReply(c: ReturnType<typeof ctx>, record: SmsReplyRecord) {
  const { written } = await recordSmsReplies(c, [record]);
  return written[0];
}

function intakesOf(messageSid: string) {
  return setup.database.db.select().from(intakes).where(eq(intakes.externalId, messageSid));
}

/** An intake row as the one-statement write takes it: the least a test needs to say. */
function bareIntake(
  messageSid: string,
  residentId: string | null,
): SmsReplyRecord['intake'] & { id: string } {
  return {
    id: randomUUID(),
    channel: 'sms',
    externalId: messageSid,
    actorType: 'resident',
    actor: { type: 'resident', via: 'sms', ...(residentId ? { residentId } : {}) },
    residentId,
    declaredKind: 'text',
    kind: 'unclassified',
    text: '1',
    language: 'zh-CN',
    receivedAt: new Date('2026-11-27T02:00:00Z'),
    outcome: { kind: 'unclassified', messageKey: 'pipeline:unclassified.kept', params: {}, locale: 'zh-CN' },
    createdAt: new Date('2026-11-27T02:00:00Z'),
  };
}

describe('answerSmsBatch with one message (one read, one write)', () => {
  it('stores a first message from a new number: the resident, the intake and the demand', async () => {
    const c = ctx();
    const phone = newPhone();
    const answered = await answerSmsAtOnce(c, smsToAnswer(phone, '小区东门的路灯坏了一个月了'));
    expect(answered).toMatchObject({ duplicate: false, outcome: { kind: 'demand', locale: 'zh-CN' } });

    const [resident] = await setup.database.db
      .select()
      .from(residents)
      .where(eq(residents.phoneHash, c.pii.phoneHash(phone)));
    expect(resident).toBeDefined();
    expect(c.pii.decryptPhone(resident!.phoneCipher!)).toBe(phone);
    expect(answered!.outcome.residentId).toBe(resident!.id);
    const [intake] = await setup.database.db.select().from(intakes).where(eq(intakes.id, answered!.intakeId));
    expect(intake).toMatchObject({ residentId: resident!.id, kind: 'demand', channel: 'sms' });
    expect(
      await setup.database.db.select().from(demands).where(eq(demands.intakeId, answered!.intakeId)),
    ).toMatchObject([{ residentId: resident!.id, text: '小区东门的路灯坏了一个月了', channel: 'sms' }]);
  });

  it('answers a survey question, links the answer to its question and topic, and asks the next', async () => {
    const c = ctx();
    const topic = await newTopic(c.db, 'evaluating');
    const { survey, questions } = await newSurvey(c.db, THREE_QUESTIONS, topic.id);
    const resident = await residentWithPhone(c);
    await promptSurveyQuestion(c, resident.id, survey, questions[0]!.id);

    const answered = await answerSmsAtOnce(c, smsToAnswer(resident.phone, '满意'));
    expect(answered).toMatchObject({ meaning: 'survey_answer', outcome: { messageKey: 'sms:survey.next' } });
    expect(
      await setup.database.db
        .select()
        .from(surveyAnswers)
        .where(eq(surveyAnswers.intakeId, answered!.intakeId)),
    ).toMatchObject([
      { surveyId: survey.id, questionId: questions[0]!.id, topicId: topic.id, answer: 'satisfied' },
    ]);
    expect((await getPendingPrompt(c, { residentId: resident.id }))?.question?.id).toBe(questions[1]!.id);
  });

  it('takes a stance on the noticed topic and asks once to clarify an unclear reply', async () => {
    const c = ctx();
    const topic = await newTopic(c.db);
    const resident = await residentWithPhone(c);
    await promptTopicNotice(c, resident.id, topic.id);

    const stance = await answerSmsAtOnce(c, smsToAnswer(resident.phone, '2 太吵了'));
    expect(stance?.outcome).toMatchObject({ kind: 'opinion', messageKey: 'pipeline:opinion.oppose' });
    expect(
      await setup.database.db.select().from(opinions).where(eq(opinions.intakeId, stance!.intakeId)),
    ).toMatchObject([{ topicId: topic.id, stance: 'oppose', text: '太吵了' }]);

    const unclear = await answerSmsAtOnce(c, smsToAnswer(resident.phone, '1 2'));
    expect(unclear).toMatchObject({ meaning: 'clarify', outcome: { messageKey: 'sms:clarify.topic' } });
    expect((await getPendingPrompt(c, { residentId: resident.id }))?.clarified).toBe(true);
    const again = await answerSmsAtOnce(c, smsToAnswer(resident.phone, '1 2'));
    expect(again).toMatchObject({ meaning: 'kept_unclear', outcome: { messageKey: 'sms:reply.kept' } });
  });

  it('answers a repeated message id with the first answer and stores nothing more', async () => {
    const c = ctx();
    const first = await answerSmsAtOnce(c, smsToAnswer(newPhone(), 'HELP', 'SMrepeat0001'));
    const again = await answerSmsAtOnce(c, smsToAnswer(newPhone(), '楼道灯坏了', 'SMrepeat0001'));
    expect(again).toEqual({ intakeId: first!.intakeId, outcome: first!.outcome, duplicate: true });
    expect(await intakesOf('SMrepeat0001')).toHaveLength(1);
  });

  it('leaves opt-out, opt-in and proxy confirmations to the transactional path, storing nothing', async () => {
    const c = ctx();
    const resident = await residentWithPhone(c);
    const optOut = smsToAnswer(resident.phone, 'TD');
    const optIn = smsToAnswer(resident.phone, '订阅');
    expect(await answerSmsAtOnce(c, optOut)).toBeUndefined();
    expect(await answerSmsAtOnce(c, optIn)).toBeUndefined();

    await setPendingPrompt(c, {
      residentId: resident.id,
      channel: 'sms',
      kind: 'proxy_confirmation',
      proxyRecordId: randomUUID(),
      expiresAt: new Date(c.clock.now().getTime() + 86_400_000),
    });
    const confirmation = smsToAnswer(resident.phone, '1');
    expect(await answerSmsAtOnce(c, confirmation)).toBeUndefined();
    for (const m of [optOut, optIn, confirmation]) expect(await intakesOf(m.messageSid)).toHaveLength(0);
    await setup.database.db.delete(pendingPrompts).where(eq(pendingPrompts.residentId, resident.id));
  });
});

describe('recordSmsReplies (the one statement)', () => {
  it('writes nothing when the prompt changed between the read and the write', async () => {
    const c = ctx();
    const { survey, questions } = await newSurvey(c.db, THREE_QUESTIONS);
    const resident = await residentWithPhone(c);
    await promptSurveyQuestion(c, resident.id, survey, questions[0]!.id);
    const messageSid = sid();
    const read = await readSmsReplyContext(c, {
      phoneHash: c.pii.phoneHash(resident.phone),
      messageSid,
      topicNumber: undefined,
    });
    expect(read.prompt?.prompt.question?.id).toBe(questions[0]!.id);

    // Another answer moves the survey on meanwhile.
    await handleSmsReply(c, { ...smsToAnswer(resident.phone, '1'), helpPhone: '12345' });

    const written = await recordSmsReply(c, {
      sender: {
        residentId: resident.id,
        version: read.residentVersion!,
        optedOut: false,
        prompt: {
          version: read.prompt!.version,
          change: { type: 'advance', toQuestionId: questions[1]!.id },
        },
      },
      intake: bareIntake(messageSid, resident.id),
      effect: { type: 'none' },
      at: c.clock.now(),
    });
    expect(written).toBe(false);
    expect(await intakesOf(messageSid)).toHaveLength(0);
    expect((await getPendingPrompt(c, { residentId: resident.id }))?.question?.id).toBe(questions[1]!.id);
  });

  it('writes nothing when another message created the resident between the read and the write', async () => {
    const c = ctx();
    const phone = newPhone();
    const phoneHash = c.pii.phoneHash(phone);
    const messageSid = sid();
    const read = await readSmsReplyContext(c, { phoneHash, messageSid, topicNumber: undefined });
    expect(read.resident).toBeUndefined();
    await residentWithPhone(c, phone);

    const newId = randomUUID();
    const now = c.clock.now();
    const written = await recordSmsReply(c, {
      newResident: {
        id: newId,
        phoneHash,
        phoneCipher: c.pii.encryptPhone(phone),
        createdAt: now,
        updatedAt: now,
      },
      intake: bareIntake(messageSid, newId),
      effect: { type: 'none' },
      at: now,
    });
    expect(written).toBe(false);
    expect(await intakesOf(messageSid)).toHaveLength(0);
    expect(
      await setup.database.db.select().from(residents).where(eq(residents.phoneHash, phoneHash)),
    ).toHaveLength(1);
  });

  it('writes the intake and its record once per message id', async () => {
    const c = ctx();
    const resident = await residentWithPhone(c);
    const messageSid = sid();
    const record = (): SmsReplyRecord => {
      const intake = bareIntake(messageSid, resident.id);
      return {
        intake: { ...intake, kind: 'demand' },
        effect: {
          type: 'demand',
          values: {
            intakeId: intake.id,
            residentId: resident.id,
            text: '电梯坏了',
            channel: 'sms',
            createdAt: c.clock.now(),
          },
        },
        at: c.clock.now(),
      };
    };
    expect(await recordSmsReply(c, record())).toBe(true);
    expect(await recordSmsReply(c, record())).toBe(false);
    expect(await intakesOf(messageSid)).toHaveLength(1);
    const stored = await setup.database.db
      .select({ id: demands.id })
      .from(demands)
      .innerJoin(intakes, eq(intakes.id, demands.intakeId))
      .where(and(eq(intakes.externalId, messageSid), eq(demands.residentId, resident.id)));
    expect(stored).toHaveLength(1);
  });
});

describe('answerSmsBatch with messages from several senders', () => {
  it('answers each message of the batch as it would have been answered alone', async () => {
    const c = ctx();
    const topic = await newTopic(c.db);
    const { survey, questions } = await newSurvey(c.db, THREE_QUESTIONS, topic.id);
    const surveyed = await residentWithPhone(c);
    await promptSurveyQuestion(c, surveyed.id, survey, questions[0]!.id);
    const noticed = await residentWithPhone(c);
    await promptTopicNotice(c, noticed.id, topic.id);
    const repeatedSid = sid();
    const repeated = await answerSmsAtOnce(c, smsToAnswer(newPhone(), '垃圾站太臭了', repeatedSid));
    const newcomer = newPhone();
    const leaving = await residentWithPhone(c);

    const batch = [
      smsToAnswer(surveyed.phone, '满意'),
      smsToAnswer(noticed.phone, '2 太吵了'),
      smsToAnswer(newcomer, '小区东门的路灯坏了一个月了'),
      smsToAnswer(newPhone(), '还是很臭', repeatedSid),
      smsToAnswer(leaving.phone, 'TD'),
    ];
    const answers = await answerSmsBatch(c, batch);

    expect(answers[0]).toMatchObject({
      meaning: 'survey_answer',
      outcome: { messageKey: 'sms:survey.next' },
    });
    expect(
      await setup.database.db
        .select()
        .from(surveyAnswers)
        .where(eq(surveyAnswers.intakeId, answers[0]!.intakeId)),
    ).toMatchObject([{ questionId: questions[0]!.id, answer: 'satisfied' }]);
    expect((await getPendingPrompt(c, { residentId: surveyed.id }))?.question?.id).toBe(questions[1]!.id);

    expect(
      await setup.database.db.select().from(opinions).where(eq(opinions.intakeId, answers[1]!.intakeId)),
    ).toMatchObject([{ topicId: topic.id, residentId: noticed.id, stance: 'oppose', text: '太吵了' }]);

    const [created] = await setup.database.db
      .select()
      .from(residents)
      .where(eq(residents.phoneHash, c.pii.phoneHash(newcomer)));
    expect(
      await setup.database.db.select().from(demands).where(eq(demands.intakeId, answers[2]!.intakeId)),
    ).toMatchObject([{ residentId: created!.id, text: '小区东门的路灯坏了一个月了' }]);

    expect(answers[3]).toEqual({ intakeId: repeated!.intakeId, outcome: repeated!.outcome, duplicate: true });
    // An opt-out is audited and confirmed: the transactional path's work.
    expect(answers[4]).toBeUndefined();
    expect(await intakesOf(batch[4]!.messageSid)).toHaveLength(0);
  });

  it('takes one message per sender and leaves a second one for the transactional path', async () => {
    const c = ctx();
    const { survey, questions } = await newSurvey(c.db, THREE_QUESTIONS);
    const resident = await residentWithPhone(c);
    await promptSurveyQuestion(c, resident.id, survey, questions[0]!.id);

    const [first, second] = await answerSmsBatch(c, [
      smsToAnswer(resident.phone, '1'),
      smsToAnswer(resident.phone, '2'),
    ]);
    expect(first).toMatchObject({ meaning: 'survey_answer' });
    expect(second).toBeUndefined();
    // Answered once: the survey moved on by one question, not two.
    expect((await getPendingPrompt(c, { residentId: resident.id }))?.question?.id).toBe(questions[1]!.id);
    expect(
      await setup.database.db.select().from(surveyAnswers).where(eq(surveyAnswers.residentId, resident.id)),
    ).toHaveLength(1);
  });
});

describe('recordSmsReplies with several messages', () => {
  it('writes the messages whose preconditions hold and reports the one whose prompt changed', async () => {
    const c = ctx();
    const { survey, questions } = await newSurvey(c.db, THREE_QUESTIONS);
    const moved = await residentWithPhone(c);
    await promptSurveyQuestion(c, moved.id, survey, questions[0]!.id);
    const steady = await residentWithPhone(c);
    await promptSurveyQuestion(c, steady.id, survey, questions[0]!.id);
    const [movedRead, steadyRead] = await readSmsReplyContexts(c, [
      { phoneHash: c.pii.phoneHash(moved.phone), messageSid: sid(), topicNumber: undefined },
      { phoneHash: c.pii.phoneHash(steady.phone), messageSid: sid(), topicNumber: undefined },
    ]);
    await handleSmsReply(c, { ...smsToAnswer(moved.phone, '1'), helpPhone: '12345' });

    const advance = { type: 'advance', toQuestionId: questions[1]!.id } as const;
    const [movedSid, steadySid] = [sid(), sid()];
    const asRead = (residentId: string, read: typeof movedRead) => ({
      residentId,
      version: read!.residentVersion!,
      optedOut: false,
      prompt: { version: read!.prompt!.version, change: advance },
    });
    const { written } = await recordSmsReplies(c, [
      {
        sender: asRead(moved.id, movedRead),
        intake: bareIntake(movedSid, moved.id),
        effect: { type: 'none' },
        at: c.clock.now(),
      },
      {
        sender: asRead(steady.id, steadyRead),
        intake: bareIntake(steadySid, steady.id),
        effect: { type: 'none' },
        at: c.clock.now(),
      },
    ]);
    expect(written).toEqual([false, true]);
    expect(await intakesOf(movedSid)).toHaveLength(0);
    expect(await intakesOf(steadySid)).toHaveLength(1);
    expect((await getPendingPrompt(c, { residentId: steady.id }))?.question?.id).toBe(questions[1]!.id);
  });

  it('writes nothing of the batch when one of its records breaks a constraint', async () => {
    const c = ctx();
    const resident = await residentWithPhone(c);
    const [goodSid, badSid] = [sid(), sid()];
    const bad = bareIntake(badSid, resident.id);
    const attempt = recordSmsReplies(c, [
      { intake: bareIntake(goodSid, resident.id), effect: { type: 'none' }, at: c.clock.now() },
      {
        intake: { ...bad, kind: 'opinion' },
        effect: {
          type: 'opinion',
          // A topic that does not exist: the foreign key refuses the opinion.
          values: {
            intakeId: bad.id,
            topicId: randomUUID(),
            residentId: resident.id,
            stance: 'support',
            channel: 'sms',
            createdAt: c.clock.now(),
          },
        },
        at: c.clock.now(),
      },
    ]);
    await expect(attempt).rejects.toThrow();
    expect(await intakesOf(goodSid)).toHaveLength(0);
    expect(await intakesOf(badSid)).toHaveLength(0);
  });
});
