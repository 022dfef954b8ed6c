import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { applyTransition, assertMayManageTopics } from './apply-transition.ts';
import { noteField, parseTopicInput, topicIdField } from './topic-input.ts';
import type { Topic } from './topic-lifecycle.ts';

export const closeTopicInput = z.object({ topicId: topicIdField, note: noteField });
export type CloseTopicInput = z.input<typeof closeTopicInput>;

/** Closes an evaluated topic (办结); nothing more happens to it. */
export async function closeTopic(ctx: Ctx, input: CloseTopicInput): Promise<{ topic: Topic }> {
  assertMayManageTopics(ctx.actor);
  const data = parseTopicInput(closeTopicInput, input);
  const { topic } = await applyTransition(ctx, {
    topicId: data.topicId,
    to: 'closed',
    action: 'topic.close',
    note: data.note,
    plan: (_topic, now) => ({ set: { closedAt: now } }),
  });
  return { topic };
}
