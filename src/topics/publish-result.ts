import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { applyTransition, assertMayManageTopics } from './apply-transition.ts';
import { noteField, parseTopicInput, timeZoneField, topicIdField } from './topic-input.ts';
import type { Topic } from './topic-lifecycle.ts';
import { localDate } from './working-days.ts';

export const publishResultInput = z.object({
  topicId: topicIdField,
  note: noteField,
  timeZone: timeZoneField,
});
export type PublishResultInput = z.input<typeof publishResultInput>;

/**
 * Publishes the deliberation's result (成果公示). Never refused for being late: a late result still has
 * to be published. Whether it met `resultDueOn` goes into the audit entry and is returned.
 */
export async function publishResult(
  ctx: Ctx,
  input: PublishResultInput,
): Promise<{ topic: Topic; onTime: boolean }> {
  assertMayManageTopics(ctx.actor);
  const data = parseTopicInput(publishResultInput, input);
  let onTime = true;
  const { topic } = await applyTransition(ctx, {
    topicId: data.topicId,
    to: 'result_published',
    action: 'topic.publish_result',
    note: data.note,
    plan: (current, now) => {
      const publishedOn = localDate(now, data.timeZone);
      onTime = current.resultDueOn === null || publishedOn <= current.resultDueOn;
      return {
        set: { resultPublishedAt: now },
        audit: { publishedOn, resultDueOn: current.resultDueOn, onTime, timeZone: data.timeZone },
      };
    },
  });
  return { topic, onTime };
}
