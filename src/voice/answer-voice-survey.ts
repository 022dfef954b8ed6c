import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { advancePendingPrompt } from '../conversations/advance-pending-prompt.ts';
import { clearPendingPrompt } from '../conversations/clear-pending-prompt.ts';
import { getPendingPrompt, type PromptQuestion } from '../conversations/get-pending-prompt.ts';
import { SKIPPED_ANSWER } from '../conversations/survey-choices.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { LOCALES, residents } from '../db/schema.ts';
import { ingest } from '../pipeline/ingest.ts';
import { heard, surveyAnswerOf } from './outbound-call-choices.ts';
import { CALL_SID } from './start-voice-call.ts';

export const answerVoiceSurveyInput = z.object({
  callSid: z.string().regex(CALL_SID),
  residentId: z.uuid(),
  /** The question the caller was asked (from the answer URL): an answer to anything else is stale. */
  questionId: z.uuid(),
  digits: z.string().trim().max(40).optional(),
  speech: z.string().trim().max(2_000).optional(),
  confidence: z.number().min(0).max(1).optional(),
  locale: z.enum(LOCALES),
  receivedAt: z.coerce.date(),
});
export type AnswerVoiceSurveyInput = z.input<typeof answerVoiceSurveyInput>;

export type AnswerVoiceSurveyOutcome =
  /** The question asked is no longer the pending one (a repeated request, or answered meanwhile). */
  | { outcome: 'moved_on' }
  /** Nothing heard, or nothing that answers the question: ask again. */
  | { outcome: 'no_match'; heard: boolean }
  | {
      outcome: 'answered' | 'skipped';
      intakeId: string;
      /** The next question to ask; undefined when the survey is finished. */
      next: PromptQuestion | undefined;
      total: number;
    };

/**
 * One spoken or keyed answer to the caller's pending survey question. Understood as an SMS answer is
 * (keys 1–5 / 1–2, satisfaction and yes/no words, 跳过 to skip, any words for an open question) and
 * stored through the same pipeline, once per call and question; then the resident's pending prompt
 * moves to the next question, or is cleared after the last. Everything answered stays answered if the
 * call drops; what is left stays pending.
 */
export async function answerVoiceSurvey(
  ctx: Ctx,
  input: AnswerVoiceSurveyInput,
): Promise<AnswerVoiceSurveyOutcome> {
  const data = answerVoiceSurveyInput.parse(input);
  const said = heard(data);

  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx);
    // One answer of a resident at a time, as for SMS: a survey moves one question per answer.
    await tx
      .select({ id: residents.id })
      .from(residents)
      .where(eq(residents.id, data.residentId))
      .for('update');
    const prompt = await getPendingPrompt(txCtx, { residentId: data.residentId });
    if (
      prompt?.kind !== 'survey_question' ||
      !prompt.survey ||
      !prompt.question ||
      prompt.question.id !== data.questionId
    ) {
      return { outcome: 'moved_on' } as const;
    }
    if (!said) return { outcome: 'no_match', heard: false } as const;
    const answer = surveyAnswerOf(prompt.question.kind, said.text, said.by);
    if (answer.type === 'no_match') return { outcome: 'no_match', heard: true } as const;

    const actor = { type: 'resident', via: 'voice', residentId: data.residentId } as const;
    const choice = answer.type === 'skip' ? SKIPPED_ANSWER : answer.choice;
    const result = await ingest(
      { ...txCtx, actor },
      {
        channel: 'voice',
        externalId: `${data.callSid}:${prompt.question.id}`,
        actor,
        declaredKind: 'survey_answer',
        surveyRef: prompt.survey.code,
        questionRef: prompt.question.id,
        text: answer.text,
        ...(choice ? { choice } : {}),
        ...(prompt.topic ? { topicRef: prompt.topic.code } : {}),
        language: data.locale,
        receivedAt: data.receivedAt,
      },
    );
    const expected = {
      kind: 'survey_question' as const,
      surveyId: prompt.survey.id,
      questionId: prompt.question.id,
    };
    const next = prompt.nextQuestion;
    if (next) {
      await advancePendingPrompt(txCtx, {
        residentId: data.residentId,
        surveyId: prompt.survey.id,
        fromQuestionId: prompt.question.id,
        toQuestionId: next.id,
      });
    } else {
      await clearPendingPrompt(txCtx, { residentId: data.residentId, expected });
    }
    ctx.log.debug(
      { intakeId: result.intakeId, questionId: prompt.question.id, by: said.by, type: answer.type },
      'voice survey answer',
    );
    return {
      outcome: answer.type === 'skip' ? 'skipped' : 'answered',
      intakeId: result.intakeId,
      next,
      total: prompt.survey.questionCount,
    } as const;
  });
}
