import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { applyTransition, assertMayManageTopics } from './apply-transition.ts';
import { NOTE_MAX, parseTopicInput, topicIdField } from './topic-input.ts';
import type { Topic } from './topic-lifecycle.ts';

export const rejectTopicInput = z.object({
  topicId: topicIdField,
  reason: z.string().trim().min(1).max(NOTE_MAX),
});
export type RejectTopicInput = z.input<typeof rejectTopicInput>;

/**
 * Rejects a topic before a result exists (不予采纳). The reason is required: residents who raised the
 * topic are owed an explanation, and it is shown in the topic's timeline.
 */
export async function rejectTopic(ctx: Ctx, input: RejectTopicInput): Promise<{ topic: Topic }> {
  assertMayManageTopics(ctx.actor);
  const data = parseTopicInput(rejectTopicInput, input);
  const { topic } = await applyTransition(ctx, {
    topicId: data.topicId,
    to: 'rejected',
    action: 'topic.reject',
    note: data.reason,
    plan: (_topic, now) => ({ set: { rejectedAt: now, rejectReason: data.reason } }),
  });
  return { topic };
}
