import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { applyTransition, assertMayManageTopics } from './apply-transition.ts';
import { noteField, parseTopicInput, topicIdField } from './topic-input.ts';
import type { Topic } from './topic-lifecycle.ts';

export const startImplementationInput = z.object({ topicId: topicIdField, note: noteField });
export type StartImplementationInput = z.input<typeof startImplementationInput>;

/** Starts carrying out a published result (the responsibility list 责任清单 takes over from here). */
export async function startImplementation(
  ctx: Ctx,
  input: StartImplementationInput,
): Promise<{ topic: Topic }> {
  assertMayManageTopics(ctx.actor);
  const data = parseTopicInput(startImplementationInput, input);
  const { topic } = await applyTransition(ctx, {
    topicId: data.topicId,
    to: 'implementing',
    action: 'topic.start_implementation',
    note: data.note,
    plan: (_topic, now) => ({ set: { implementingAt: now } }),
  });
  return { topic };
}
