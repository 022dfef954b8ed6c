import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, intakes, residents, surveyAnswers } from '../db/schema.ts';
import { isOptedOut } from '../residents/is-opted-out.ts';
import {
  inboundSms,
  newPhone,
  newSmsSid,
  newSurvey,
  promptSurveyQuestion,
  residentWithPhone,
  THREE_QUESTIONS,
  useConversationDatabase,
} from './conversation-test-kit.ts';
import { getPendingPrompt } from './get-pending-prompt.ts';
import { handleSmsReplies, handleSmsReply } from './handle-sms-reply.ts';

const setup = useConversationDatabase();

const { ctx } = setup;
const sid = newSmsSid;
/** Residents sending at the same time in each test, so that many interleavings are tried. */
const RESIDENTS = 6;

async function surveyAtFirstQuestion() {
  const c = ctx();
  const { survey, questions } = await newSurvey(c.db, THREE_QUESTIONS);
  const resident = await residentWithPhone(c);
  await promptSurveyQuestion(c, resident.id, survey, questions[0]!.id);
  return { resident, survey, questions };
}

describe('handleSmsReply with messages arriving together', () => {
  it('answers two replies sent together to a survey one question after the other', async () => {
    const cases = await Promise.all(Array.from({ length: RESIDENTS }, surveyAtFirstQuestion));
    const results = await Promise.all(
      cases.map(({ resident }) =>
        Promise.all([
          handleSmsReply(ctx(), inboundSms(resident.phone, '1')),
          handleSmsReply(ctx(), inboundSms(resident.phone, '2')),
        ]),
      ),
    );

    for (const [i, { resident, questions }] of cases.entries()) {
      const answers = await setup.database.db
        .select({ questionId: surveyAnswers.questionId, answer: surveyAnswers.answer })
        .from(surveyAnswers)
        .where(eq(surveyAnswers.residentId, resident.id));
      // Each question answered once, whichever message came first.
      expect(answers.map((a) => a.questionId).sort()).toEqual([questions[0]!.id, questions[1]!.id].sort());
      expect(answers.map((a) => a.answer).sort()).toEqual(['satisfied', 'very_satisfied']);
      expect((await getPendingPrompt(ctx(), { residentId: resident.id }))?.question?.id).toBe(
        questions[2]!.id,
      );
      const replies = results[i]!.map((r) => r.reply ?? '');
      expect(replies.filter((r) => r.includes('（2/3）'))).toHaveLength(1);
      expect(replies.filter((r) => r.includes('（3/3）'))).toHaveLength(1);
    }
  });

  it('answers batches from two web processes that share senders in opposite orders, without deadlock', async () => {
    const cases = await Promise.all(Array.from({ length: RESIDENTS }, surveyAtFirstQuestion));
    const newcomers = Array.from({ length: 3 }, newPhone);
    const repeatedSids = newcomers.map(() => sid());
    const forward = [
      ...cases.map(({ resident }) => inboundSms(resident.phone, '1')),
      ...newcomers.map((phone, i) => inboundSms(phone, '楼道灯坏了', repeatedSids[i])),
    ];
    const backward = [
      ...cases.map(({ resident }) => inboundSms(resident.phone, '2')),
      ...newcomers.map((phone, i) => inboundSms(phone, '楼道灯坏了', repeatedSids[i])),
    ].reverse();
    const [a, b] = await Promise.all([handleSmsReplies(ctx(), forward), handleSmsReplies(ctx(), backward)]);

    expect([...a, ...b].filter((settled) => !settled.ok)).toEqual([]);
    for (const { resident, questions } of cases) {
      const answers = await setup.database.db
        .select({ questionId: surveyAnswers.questionId })
        .from(surveyAnswers)
        .where(eq(surveyAnswers.residentId, resident.id));
      expect(answers.map((x) => x.questionId).sort()).toEqual([questions[0]!.id, questions[1]!.id].sort());
    }
    for (const [i, phone] of newcomers.entries()) {
      expect(
        await setup.database.db
          .select()
          .from(residents)
          .where(eq(residents.phoneHash, ctx().pii.phoneHash(phone))),
      ).toHaveLength(1);
      expect(
        await setup.database.db.select().from(intakes).where(eq(intakes.externalId, repeatedSids[i]!)),
      ).toHaveLength(1);
    }
  });

  it('answers the same message id sent 10 times at once from a new number with one resident and one intake', async () => {
    const phones = Array.from({ length: RESIDENTS }, newPhone);
    const messageSids = phones.map(() => sid());
    const results = await Promise.all(
      phones.map((phone, i) =>
        Promise.all(
          Array.from({ length: 10 }, () =>
            handleSmsReply(ctx(), inboundSms(phone, '楼道灯坏了三天了', messageSids[i])),
          ),
        ),
      ),
    );
    for (const [i, phone] of phones.entries()) {
      const replies = results[i]!;
      expect(new Set(replies.map((r) => `${r.intakeId} ${r.reply}`)).size).toBe(1);
      expect(replies.filter((r) => !r.duplicate)).toHaveLength(1);
      const stored = await setup.database.db
        .select()
        .from(intakes)
        .where(eq(intakes.externalId, messageSids[i]!));
      expect(stored).toHaveLength(1);
      const people = await setup.database.db
        .select({ id: residents.id })
        .from(residents)
        .where(eq(residents.phoneHash, ctx().pii.phoneHash(phone)));
      expect(people).toEqual([{ id: stored[0]!.residentId }]);
    }
  });

  it('makes one resident of a new number that sends two different messages at once', async () => {
    const phones = Array.from({ length: RESIDENTS }, newPhone);
    const results = await Promise.all(
      phones.map((phone) =>
        Promise.all([
          handleSmsReply(ctx(), inboundSms(phone, '垃圾站太臭了')),
          handleSmsReply(ctx(), inboundSms(phone, 'HELP')),
        ]),
      ),
    );
    for (const [i, phone] of phones.entries()) {
      const people = await setup.database.db
        .select({ id: residents.id })
        .from(residents)
        .where(eq(residents.phoneHash, ctx().pii.phoneHash(phone)));
      expect(people).toHaveLength(1);
      const stored = await setup.database.db
        .select({ residentId: intakes.residentId })
        .from(intakes)
        .where(eq(intakes.residentId, people[0]!.id));
      expect(stored).toHaveLength(2);
      expect(results[i]!.map((r) => r.kind).sort()).toEqual(['demand', 'help']);
    }
  });

  it('honours an opt-out sent together with a survey answer, whichever is handled first', async () => {
    const cases = await Promise.all(Array.from({ length: RESIDENTS }, surveyAtFirstQuestion));
    const results = await Promise.all(
      cases.map(({ resident }) =>
        Promise.all([
          handleSmsReply(ctx(), inboundSms(resident.phone, '1')),
          handleSmsReply(ctx(), inboundSms(resident.phone, 'TD')),
        ]),
      ),
    );
    for (const [i, { resident, questions }] of cases.entries()) {
      expect(await isOptedOut(ctx(), { residentId: resident.id, channel: 'sms' })).toBe(true);
      expect(await getPendingPrompt(ctx(), { residentId: resident.id })).toBeUndefined();
      const [answer, optOut] = results[i]!;
      const answers = await setup.database.db
        .select({ questionId: surveyAnswers.questionId })
        .from(surveyAnswers)
        .where(eq(surveyAnswers.residentId, resident.id));
      if (answer!.kind === 'survey_answer') {
        // The answer came first: it was taken, then the opt-out ended the survey.
        expect(answers).toEqual([{ questionId: questions[0]!.id }]);
      } else {
        // The opt-out came first: nothing was pending any more, so the digit answered nothing.
        expect(answers).toEqual([]);
        expect(answer!.kind).toBe('unclassified');
      }
      expect(optOut!.reply).toBe('您已退订短信通知。回复“订阅”可恢复。');
      const audits = await setup.database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.subjectId, resident.id), eq(auditLog.action, 'resident.opt_out')));
      expect(audits).toHaveLength(1);
    }
  });
});
