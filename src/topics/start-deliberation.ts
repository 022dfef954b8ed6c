import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { applyTransition, assertMayManageTopics } from './apply-transition.ts';
import { calendarCoversRange } from './publish-topic.ts';
import { noteField, parseTopicInput, timeZoneField, topicIdField } from './topic-input.ts';
import type { Topic } from './topic-lifecycle.ts';
import { addWorkingDays, localDate } from './working-days.ts';

/** The result must be published within this many working days of the deliberation. */
export const RESULT_WORKING_DAYS = 7;

export const startDeliberationInput = z.object({
  topicId: topicIdField,
  note: noteField,
  timeZone: timeZoneField,
});
export type StartDeliberationInput = z.input<typeof startDeliberationInput>;

/**
 * Opens deliberation (协商) on a published topic. Refused before `deliberationEarliestOn`: the full
 * publication period is the rule, with no override. Fixes `resultDueOn`.
 */
export async function startDeliberation(
  ctx: Ctx,
  input: StartDeliberationInput,
): Promise<{ topic: Topic; calendarCovered: boolean }> {
  assertMayManageTopics(ctx.actor);
  const data = parseTopicInput(startDeliberationInput, input);
  let calendarCovered = true;
  const { topic } = await applyTransition(ctx, {
    topicId: data.topicId,
    to: 'deliberating',
    action: 'topic.start_deliberation',
    note: data.note,
    plan: (current, now) => {
      const deliberatedOn = localDate(now, data.timeZone);
      const earliest = current.deliberationEarliestOn;
      if (!earliest || deliberatedOn < earliest) {
        throw new ServiceError('illegal_transition', 'topics:errors.publicationNotOver', {
          params: {
            from: current.status,
            to: 'deliberating',
            earliest: earliest ?? '',
            today: deliberatedOn,
          },
        });
      }
      const resultDueOn = addWorkingDays(deliberatedOn, RESULT_WORKING_DAYS);
      calendarCovered = calendarCoversRange(deliberatedOn, resultDueOn);
      return {
        set: { deliberatedAt: now, resultDueOn },
        audit: { deliberatedOn, resultDueOn, timeZone: data.timeZone, calendarCovered },
      };
    },
  });
  return { topic, calendarCovered };
}
