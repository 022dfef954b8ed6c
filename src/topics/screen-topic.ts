import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { applyTransition, assertMayManageTopics } from './apply-transition.ts';
import { noteField, parseTopicInput, topicIdField } from './topic-input.ts';
import type { Topic } from './topic-lifecycle.ts';

export const screenTopicInput = z.object({ topicId: topicIdField, note: noteField });
export type ScreenTopicInput = z.input<typeof screenTopicInput>;

/** Takes a collected topic into screening (筛选), where staff decide whether it goes to publication. */
export async function screenTopic(ctx: Ctx, input: ScreenTopicInput): Promise<{ topic: Topic }> {
  assertMayManageTopics(ctx.actor);
  const data = parseTopicInput(screenTopicInput, input);
  const { topic } = await applyTransition(ctx, {
    topicId: data.topicId,
    to: 'screening',
    action: 'topic.screen',
    note: data.note,
    plan: (_topic, now) => ({ set: { screenedAt: now } }),
  });
  return { topic };
}
