import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { startEvaluationSurvey } from '../outreach/start-evaluation-survey.ts';
import { applyTransition, assertMayManageTopics } from './apply-transition.ts';
import { noteField, parseTopicInput, topicIdField } from './topic-input.ts';
import type { Topic } from './topic-lifecycle.ts';

export const startEvaluationInput = z.object({
  topicId: topicIdField,
  note: noteField,
  /** The responsible department whose work the satisfaction survey evaluates. */
  department: z.string().trim().max(200).optional(),
});
export type StartEvaluationInput = z.input<typeof startEvaluationInput>;

/**
 * Opens the evaluation (评价) of the work done. In the same transaction a satisfaction survey is planned
 * for everyone who took part in the topic; its deliveries are enqueued after commit (by the caller
 * with `evaluationCampaignId`, or by the outbox sweep), and the transition's audit entry names it.
 */
export async function startEvaluation(
  ctx: Ctx,
  input: StartEvaluationInput,
): Promise<{ topic: Topic; evaluationCampaignId: string | undefined }> {
  assertMayManageTopics(ctx.actor);
  const data = parseTopicInput(startEvaluationInput, input);
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx);
    // Planned first so the transition's audit entry can name it; an illegal transition rolls it back.
    const survey = await startEvaluationSurvey(txCtx, { topicId: data.topicId, department: data.department });
    const { topic } = await applyTransition(txCtx, {
      topicId: data.topicId,
      to: 'evaluating',
      action: 'topic.start_evaluation',
      note: data.note,
      plan: (_topic, now) => ({
        set: { evaluatingAt: now },
        audit: survey
          ? {
              evaluationCampaign: survey.campaign.code,
              evaluationSurvey: survey.surveyCode,
              surveyRecipients: survey.planned,
            }
          : {},
      }),
    });
    return { topic, evaluationCampaignId: survey?.campaign.id };
  });
}
