import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { topicTransitions } from '../db/schema.ts';
import { findTopic, topicNotFound } from './apply-transition.ts';
import { parseTopicInput, topicIdField } from './topic-input.ts';
import type { Topic, TopicTransition } from './topic-lifecycle.ts';

export const getTopicInput = z.object({ topicId: topicIdField });
export type GetTopicInput = z.input<typeof getTopicInput>;

/**
 * A topic and its progress so far: every transition, oldest first (what residents follow). Creation is
 * not a transition; the timeline starts at the topic's `createdAt`.
 */
export async function getTopic(
  ctx: Ctx,
  input: GetTopicInput,
): Promise<{ topic: Topic; timeline: TopicTransition[] }> {
  const data = parseTopicInput(getTopicInput, input);
  const topic = await findTopic(ctx.db, data.topicId);
  if (!topic) throw topicNotFound();
  const timeline = await ctx.db
    .select()
    .from(topicTransitions)
    .where(eq(topicTransitions.topicId, topic.id))
    .orderBy(asc(topicTransitions.at), asc(topicTransitions.id));
  return { topic, timeline };
}
