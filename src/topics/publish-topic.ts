import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { applyTransition, assertMayManageTopics } from './apply-transition.ts';
import { noteField, parseTopicInput, timeZoneField, topicIdField } from './topic-input.ts';
import type { Topic } from './topic-lifecycle.ts';
import { addWorkingDays, calendarCovers, type IsoDate, localDate, nextWorkingDay } from './working-days.ts';

/** Publication (公示) lasts at least this many full working days after the day of publishing. */
export const PUBLICATION_WORKING_DAYS = 7;

export const publishTopicInput = z.object({
  topicId: topicIdField,
  note: noteField,
  timeZone: timeZoneField,
});
export type PublishTopicInput = z.input<typeof publishTopicInput>;

/** Whether the official holiday calendar is known for every year between two dates. */
export function calendarCoversRange(from: IsoDate, to: IsoDate): boolean {
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year += 1) {
    if (!calendarCovers(year)) return false;
  }
  return true;
}

/** The publication period of a topic published on `publishedOn` (a local calendar date). */
export function publicationPeriod(publishedOn: IsoDate): {
  publicationEndsOn: IsoDate;
  deliberationEarliestOn: IsoDate;
} {
  const publicationEndsOn = addWorkingDays(publishedOn, PUBLICATION_WORKING_DAYS);
  return { publicationEndsOn, deliberationEarliestOn: nextWorkingDay(publicationEndsOn) };
}

/**
 * Publishes a screened topic (议题公示) and fixes its publication period in working days.
 * `calendarCovered` is false when a year involved has no official holiday calendar yet, so the dates
 * count weekends only and callers should say so.
 */
export async function publishTopic(
  ctx: Ctx,
  input: PublishTopicInput,
): Promise<{ topic: Topic; calendarCovered: boolean }> {
  assertMayManageTopics(ctx.actor);
  const data = parseTopicInput(publishTopicInput, input);
  let calendarCovered = true;
  const { topic } = await applyTransition(ctx, {
    topicId: data.topicId,
    to: 'published',
    action: 'topic.publish',
    note: data.note,
    plan: (_topic, now) => {
      const publishedOn = localDate(now, data.timeZone);
      const period = publicationPeriod(publishedOn);
      calendarCovered = calendarCoversRange(publishedOn, period.deliberationEarliestOn);
      return {
        set: { publishedAt: now, ...period },
        audit: { publishedOn, ...period, timeZone: data.timeZone, calendarCovered },
      };
    },
  });
  return { topic, calendarCovered };
}
