import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../core/errors.ts';
import { pendingPrompts } from '../db/schema.ts';
import { advancePendingPrompt } from './advance-pending-prompt.ts';
import { clearPendingPrompt } from './clear-pending-prompt.ts';
import {
  newSurvey,
  newTopic,
  promptSurveyQuestion,
  promptTopicNotice,
  residentWithPhone,
  THREE_QUESTIONS,
  useConversationDatabase,
} from './conversation-test-kit.ts';
import { getPendingPrompt } from './get-pending-prompt.ts';
import { markPromptClarified } from './mark-prompt-clarified.ts';
import { setPendingPrompt } from './set-pending-prompt.ts';

const setup = useConversationDatabase();

const { ctx } = setup;

describe('pending prompts', () => {
  it('has none for a resident who was asked nothing', async () => {
    const resident = await residentWithPhone(ctx());
    expect(await getPendingPrompt(ctx(), { residentId: resident.id })).toBeUndefined();
  });

  it('keeps one per resident: a newer prompt replaces the older one', async () => {
    const c = ctx();
    const resident = await residentWithPhone(c);
    const topic = await newTopic(c.db);
    const { survey, questions } = await newSurvey(c.db, THREE_QUESTIONS, topic.id);

    await promptTopicNotice(c, resident.id, topic.id);
    await markPromptClarified(c, {
      residentId: resident.id,
      expected: { kind: 'topic_notice', topicId: topic.id },
    });
    expect(await getPendingPrompt(c, { residentId: resident.id })).toMatchObject({
      kind: 'topic_notice',
      clarified: true,
      topic: { id: topic.id, code: topic.code, status: 'published' },
      survey: undefined,
      question: undefined,
    });

    c.clock.advance(60_000);
    await promptSurveyQuestion(c, resident.id, survey, questions[0]!.id);
    const prompt = await getPendingPrompt(c, { residentId: resident.id });
    expect(prompt).toMatchObject({
      kind: 'survey_question',
      clarified: false,
      expired: false,
      topic: { id: topic.id },
      survey: { id: survey.id, code: survey.code, questionCount: 3 },
      question: { id: questions[0]!.id, ordinal: 1, kind: 'satisfaction' },
      nextQuestion: { id: questions[1]!.id, ordinal: 2 },
    });
    const rows = await c.db.select().from(pendingPrompts).where(eq(pendingPrompts.residentId, resident.id));
    expect(rows).toHaveLength(1);
  });

  it('reports a prompt past its expiry as expired', async () => {
    const c = ctx();
    const resident = await residentWithPhone(c);
    const topic = await newTopic(c.db);
    await promptTopicNotice(c, resident.id, topic.id, 60_000);
    expect((await getPendingPrompt(c, { residentId: resident.id }))?.expired).toBe(false);
    c.clock.advance(60_000);
    expect((await getPendingPrompt(c, { residentId: resident.id }))?.expired).toBe(true);
  });

  it('advances a survey one question at a time, and only from the question still pending', async () => {
    const c = ctx();
    const resident = await residentWithPhone(c);
    const { survey, questions } = await newSurvey(c.db, THREE_QUESTIONS);
    const [q1, q2, q3] = questions;
    await promptSurveyQuestion(c, resident.id, survey, q1!.id);
    await markPromptClarified(c, {
      residentId: resident.id,
      expected: { kind: 'survey_question', surveyId: survey.id, questionId: q1!.id },
    });

    const move = (from: string, to: string) =>
      advancePendingPrompt(c, {
        residentId: resident.id,
        surveyId: survey.id,
        fromQuestionId: from,
        toQuestionId: to,
      });
    expect(await move(q1!.id, q2!.id)).toEqual({ advanced: true });
    // A second answer to question 1 (arriving late) does not skip question 2.
    expect(await move(q1!.id, q2!.id)).toEqual({ advanced: false });
    const prompt = await getPendingPrompt(c, { residentId: resident.id });
    expect(prompt).toMatchObject({
      question: { id: q2!.id, ordinal: 2 },
      nextQuestion: { id: q3!.id },
      clarified: false,
    });

    expect(await move(q2!.id, q3!.id)).toEqual({ advanced: true });
    expect((await getPendingPrompt(c, { residentId: resident.id }))?.nextQuestion).toBeUndefined();
  });

  it('clears only the prompt expected, leaving a newer one in place', async () => {
    const c = ctx();
    const resident = await residentWithPhone(c);
    const older = await newTopic(c.db);
    const newer = await newTopic(c.db);
    await promptTopicNotice(c, resident.id, newer.id);
    expect(
      await clearPendingPrompt(c, {
        residentId: resident.id,
        expected: { kind: 'topic_notice', topicId: older.id },
      }),
    ).toEqual({ cleared: false });
    expect((await getPendingPrompt(c, { residentId: resident.id }))?.topic?.id).toBe(newer.id);
    expect(await clearPendingPrompt(c, { residentId: resident.id })).toEqual({ cleared: true });
    expect(await getPendingPrompt(c, { residentId: resident.id })).toBeUndefined();
  });

  it('refuses a survey prompt without its question and a notice without its topic', async () => {
    const c = ctx();
    const resident = await residentWithPhone(c);
    const { survey } = await newSurvey(c.db, THREE_QUESTIONS);
    const expiresAt = new Date('2026-12-01T00:00:00Z');
    const attempts = [
      setPendingPrompt(c, {
        residentId: resident.id,
        channel: 'sms',
        kind: 'survey_question',
        surveyId: survey.id,
        expiresAt,
      }),
      setPendingPrompt(c, { residentId: resident.id, channel: 'sms', kind: 'topic_notice', expiresAt }),
    ];
    for (const attempt of attempts) {
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceError);
      expect(error).toMatchObject({ code: 'validation_failed', messageKey: 'sms:prompt.invalid' });
    }
    expect(await getPendingPrompt(c, { residentId: resident.id })).toBeUndefined();
  });
});
