import { and, asc, desc, inArray, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { meetings, TOPIC_STATUSES, topics } from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import { parseTopicInput, timeZoneField } from '../topics/topic-input.ts';
import type { Topic } from '../topics/topic-lifecycle.ts';
import { localDate } from '../topics/working-days.ts';
import { DELIBERATION_VIEWER_ROLES } from './deliberation-roles.ts';
import { communityScope } from './deliberation-scope.ts';
import { type ResultDeadline, resultDeadline } from './result-deadline.ts';

export const listDeliberationTopicsInput = z.object({
  status: z.enum(TOPIC_STATUSES).optional().catch(undefined),
  timeZone: timeZoneField,
});

export interface DeliberationTopicRow {
  topic: Topic;
  deadline: ResultDeadline;
  meetings: number;
  /** The next meeting not yet held, if any. */
  nextMeetingAt: Date | null;
}

export interface DeliberationTopics {
  today: string;
  rows: DeliberationTopicRow[];
  /** Deliberating topics whose result is past its deadline, most overdue first. */
  overdue: DeliberationTopicRow[];
  /** Deliberating topics whose result is due within two working days. */
  dueSoon: DeliberationTopicRow[];
}

/**
 * The topics in the actor's communities with where each stands: newest first, optionally one status;
 * results overdue and due soon are listed separately whatever the filter, so they are never missed.
 */
export async function listDeliberationTopics(
  ctx: Ctx,
  input: z.input<typeof listDeliberationTopicsInput> = {},
): Promise<DeliberationTopics> {
  requireRole(ctx, DELIBERATION_VIEWER_ROLES);
  const data = parseTopicInput(listDeliberationTopicsInput, input);
  const scope = await communityScope(ctx);
  const today = localDate(ctx.clock.now(), data.timeZone);
  const scopeCondition: SQL | undefined =
    scope === 'all'
      ? undefined
      : sql`(${topics.communityId} is null or ${topics.communityId} = any(${sql.param([...scope])}::uuid[]))`;
  const all = await ctx.db
    .select()
    .from(topics)
    .where(scopeCondition)
    .orderBy(desc(topics.number))
    .limit(2000);
  const ids = all.map((t) => t.id);
  const meetingRows = ids.length
    ? await ctx.db
        .select({ topicId: meetings.topicId, startsAt: meetings.startsAt, status: meetings.status })
        .from(meetings)
        .where(and(inArray(meetings.topicId, ids)))
        .orderBy(asc(meetings.startsAt))
    : [];
  const rows = all.map((topic) => {
    const own = meetingRows.filter((m) => m.topicId === topic.id);
    return {
      topic,
      deadline: resultDeadline(topic, today, data.timeZone),
      meetings: own.length,
      nextMeetingAt: own.find((m) => m.status === 'scheduled')?.startsAt ?? null,
    };
  });
  const overdue = rows
    .filter((r) => r.deadline.state === 'overdue')
    .sort((a, b) =>
      (a.deadline as { dueOn: string }).dueOn < (b.deadline as { dueOn: string }).dueOn ? -1 : 1,
    );
  const dueSoon = rows.filter((r) => r.deadline.state === 'due' && r.deadline.workingDaysLeft <= 2);
  return {
    today,
    rows: data.status ? rows.filter((r) => r.topic.status === data.status) : rows,
    overdue,
    dueSoon,
  };
}
