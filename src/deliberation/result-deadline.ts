/**
 * Where a topic stands against the result deadline (成果公示 within 7 working days of deliberation).
 * Pure: the caller says which day it is in the hall's time zone.
 */
import type { Topic } from '../topics/topic-lifecycle.ts';
import { type IsoDate, localDate, workingDaysBetween } from '../topics/working-days.ts';

export type ResultDeadline =
  | { state: 'none' }
  /** Deliberating; `workingDaysLeft` 0 means due today. */
  | { state: 'due'; dueOn: IsoDate; workingDaysLeft: number }
  | { state: 'overdue'; dueOn: IsoDate; workingDaysOverdue: number }
  | { state: 'met'; dueOn: IsoDate | null; publishedOn: IsoDate }
  | { state: 'late'; dueOn: IsoDate; publishedOn: IsoDate };

export function resultDeadline(
  topic: Pick<Topic, 'status' | 'resultDueOn' | 'resultPublishedAt'>,
  today: IsoDate,
  timeZone: string,
): ResultDeadline {
  const due = topic.resultDueOn;
  if (topic.resultPublishedAt) {
    const publishedOn = localDate(topic.resultPublishedAt, timeZone);
    return due !== null && publishedOn > due
      ? { state: 'late', dueOn: due, publishedOn }
      : { state: 'met', dueOn: due, publishedOn };
  }
  if (topic.status !== 'deliberating' || due === null) return { state: 'none' };
  if (today > due)
    return { state: 'overdue', dueOn: due, workingDaysOverdue: Math.max(1, workingDaysBetween(due, today)) };
  return { state: 'due', dueOn: due, workingDaysLeft: workingDaysBetween(today, due) };
}
