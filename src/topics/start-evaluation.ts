import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { applyTransition, assertMayManageTopics } from './apply-transition.ts';
import { noteField, parseTopicInput, topicIdField } from './topic-input.ts';
import type { Topic } from './topic-lifecycle.ts';

export const startEvaluationInput = z.object({ topicId: topicIdField, note: noteField });
export type StartEvaluationInput = z.input<typeof startEvaluationInput>;

/** Opens the evaluation (评价) of the work done: residents' satisfaction survey. */
export async function startEvaluation(ctx: Ctx, input: StartEvaluationInput): Promise<{ topic: Topic }> {
  assertMayManageTopics(ctx.actor);
  const data = parseTopicInput(startEvaluationInput, input);
  const { topic } = await applyTransition(ctx, {
    topicId: data.topicId,
    to: 'evaluating',
    action: 'topic.start_evaluation',
    note: data.note,
    plan: (_topic, now) => ({ set: { evaluatingAt: now } }),
  });
  return { topic };
}
