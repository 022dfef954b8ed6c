import { and, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import {
  meetingMinutes,
  meetingParticipants,
  meetings,
  meetingVotes,
  type ParticipantGroup,
  responsibilityItems,
  responsibilityProgress,
  SATISFACTION_LEVELS,
  topicAffectedGroups,
  topics,
} from '../db/schema.ts';
import { anyUuid } from '../lists/any-uuid.ts';
import { involvedDepartments } from '../lists/item-timing.ts';
import { parseListsInput } from '../lists/parse-lists-input.ts';
import { getSurveyResults, SATISFIED_LEVELS } from '../outreach/get-survey-results.ts';
import { assessBalance } from '../participation/assess-balance.ts';
import { residentRecommendedShare } from '../screening/resident-recommended.ts';
import { requireRole } from '../staff/require-role.ts';
import { timeZoneField } from '../topics/topic-input.ts';
import { localDate, workingDaysBetween } from '../topics/working-days.ts';
import {
  KPI_IDS,
  KPI_TARGETS,
  KPI_VIEWER_ROLES,
  type KpiId,
  type KpiTarget,
  SAFEGUARDED_GROUPS,
} from './kpi-targets.ts';

export const computeKpisInput = z.object({ timeZone: timeZoneField });

export interface Kpi extends KpiTarget {
  id: KpiId;
  /** A share (0–1) or a number of working days; null while there is nothing to measure. */
  value: number | null;
  /** For shares: the cases that count, out of `denominator`. */
  numerator: number | null;
  denominator: number | null;
  /** How many cases the figure is measured over. */
  sample: number;
  /** Whether the target is met; null while there is nothing to measure. */
  met: boolean | null;
}

/** Attendance at deliberation meetings by the group it is counted in (the participation figures). */
export type AttendanceByGroup = Partial<Record<ParticipantGroup, number>>;

export interface KpiReport {
  today: string;
  kpis: Kpi[];
  attendance: AttendanceByGroup;
}

/** Attendance that counts as taking part; conveners and departments run and answer the meeting. */
const PRESENT = ['in_person', 'remote', 'proxied'] as const;
const NOT_PARTICIPANTS: readonly ParticipantGroup[] = ['convener', 'department'];

function share(id: KpiId, numerator: number, denominator: number): Kpi {
  const spec = KPI_TARGETS[id];
  const value = denominator > 0 ? numerator / denominator : null;
  return {
    id,
    ...spec,
    value,
    numerator,
    denominator,
    sample: denominator,
    met: value === null ? null : meets(spec, value),
  };
}

function days(id: KpiId, values: readonly number[]): Kpi {
  const spec = KPI_TARGETS[id];
  const value = median(values);
  return {
    id,
    ...spec,
    value,
    numerator: null,
    denominator: null,
    sample: values.length,
    met: value === null ? null : meets(spec, value),
  };
}

function meets(spec: KpiTarget, value: number): boolean {
  // Shares are compared with a tolerance far below one case in a million, against float noise.
  return spec.comparison === 'at_least' ? value >= spec.target - 1e-9 : value <= spec.target + 1e-9;
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Every figure of the KPI dashboard, measured over all records to date, each beside the plan's target.
 * The precise definitions are in ADR 0011 and shown on the dashboard; in short:
 * publication rate — deliberated topics published ≥ 7 working days before; record completeness —
 * closed meetings with attendance for everyone, minutes and a closed vote; plan formation — topics
 * with a published result that have a responsibility list; implementation — items done out of items
 * done or past due; satisfaction — satisfied answers out of all satisfaction answers on topics;
 * resident-recommended share (screening's rule); participation — attendance by group; special-group
 * safeguard — topics affecting the elderly or disabled where they are not under-heard or were reached
 * out to; response — results within 7 working days, cross-department answers within 15, medians.
 */
export async function computeKpis(
  ctx: Ctx,
  input: z.input<typeof computeKpisInput> = {},
): Promise<KpiReport> {
  requireRole(ctx, KPI_VIEWER_ROLES);
  const { timeZone } = parseListsInput(computeKpisInput, input);
  const today = localDate(ctx.clock.now(), timeZone);
  const day = (d: Date) => localDate(d, timeZone);
  const kpis = new Map<KpiId, Kpi>();

  // Publication rate.
  const deliberated = await ctx.db
    .select({
      deliberatedAt: topics.deliberatedAt,
      publishedAt: topics.publishedAt,
      publicationEndsOn: topics.publicationEndsOn,
    })
    .from(topics)
    .where(isNotNull(topics.deliberatedAt));
  const publishedInTime = deliberated.filter(
    (t) =>
      t.publishedAt && t.publicationEndsOn && t.deliberatedAt && day(t.deliberatedAt) > t.publicationEndsOn,
  ).length;
  kpis.set('publication_rate', share('publication_rate', publishedInTime, deliberated.length));

  // Record completeness.
  const closedMeetings = await ctx.db
    .select({ id: meetings.id })
    .from(meetings)
    .where(eq(meetings.status, 'closed'));
  const closedIds = closedMeetings.map((m) => m.id);
  const attendanceOf = new Map<string, { participants: number; unrecorded: number }>();
  const withMinutes = new Set<string>();
  const withClosedVote = new Set<string>();
  if (closedIds.length) {
    const rows = await ctx.db
      .select({
        meetingId: meetingParticipants.meetingId,
        participants: sql<number>`count(*)::int`,
        unrecorded: sql<number>`(count(*) filter (where ${meetingParticipants.attendance} is null))::int`,
      })
      .from(meetingParticipants)
      .where(anyUuid(meetingParticipants.meetingId, closedIds))
      .groupBy(meetingParticipants.meetingId);
    for (const r of rows)
      attendanceOf.set(r.meetingId, {
        participants: Number(r.participants),
        unrecorded: Number(r.unrecorded),
      });
    const minutes = await ctx.db
      .select({ meetingId: meetingMinutes.meetingId })
      .from(meetingMinutes)
      .where(
        and(
          anyUuid(meetingMinutes.meetingId, closedIds),
          sql`btrim(${meetingMinutes.discussion}) <> ''`,
          sql`btrim(${meetingMinutes.decision}) <> ''`,
        ),
      );
    for (const r of minutes) withMinutes.add(r.meetingId);
    const votes = await ctx.db
      .selectDistinct({ meetingId: meetingVotes.meetingId })
      .from(meetingVotes)
      .where(and(anyUuid(meetingVotes.meetingId, closedIds), eq(meetingVotes.status, 'closed')));
    for (const r of votes) withClosedVote.add(r.meetingId);
  }
  const complete = closedIds.filter((id) => {
    const attendance = attendanceOf.get(id);
    return (
      attendance &&
      attendance.participants > 0 &&
      attendance.unrecorded === 0 &&
      withMinutes.has(id) &&
      withClosedVote.has(id)
    );
  }).length;
  kpis.set('record_completeness', share('record_completeness', complete, closedMeetings.length));

  // Plan formation.
  const withResult = await ctx.db
    .select({
      id: topics.id,
      deliberatedAt: topics.deliberatedAt,
      resultPublishedAt: topics.resultPublishedAt,
      resultDueOn: topics.resultDueOn,
    })
    .from(topics)
    .where(and(isNotNull(topics.resultPublishedAt), ne(topics.status, 'rejected')));
  const planned = new Set(
    (await ctx.db.selectDistinct({ topicId: responsibilityItems.topicId }).from(responsibilityItems)).map(
      (r) => r.topicId,
    ),
  );
  kpis.set(
    'plan_formation_rate',
    share('plan_formation_rate', withResult.filter((t) => planned.has(t.id)).length, withResult.length),
  );

  // Implementation.
  const items = await ctx.db.select().from(responsibilityItems);
  const due = items.filter((i) => i.status === 'completed' || today > i.dueOn);
  kpis.set(
    'implementation_rate',
    share('implementation_rate', due.filter((i) => i.status === 'completed').length, due.length),
  );

  // Satisfaction over the surveys of topics.
  const results = await getSurveyResults(ctx, {});
  let answers = 0;
  let satisfied = 0;
  for (const topic of results.byTopic) {
    answers += SATISFACTION_LEVELS.reduce((sum, l) => sum + topic.satisfaction.counts[l], 0);
    satisfied += SATISFIED_LEVELS.reduce((sum, l) => sum + topic.satisfaction.counts[l], 0);
  }
  kpis.set('satisfaction_rate', share('satisfaction_rate', satisfied, answers));

  // Resident-recommended share.
  const recommended = await residentRecommendedShare(ctx.db, 'all');
  kpis.set(
    'resident_recommended_share',
    share('resident_recommended_share', recommended.residentRecommended, recommended.topics),
  );

  // Participation by group at meetings.
  const attendanceRows = await ctx.db
    .select({ group: meetingParticipants.participantGroup, n: sql<number>`count(*)::int` })
    .from(meetingParticipants)
    .where(inArray(meetingParticipants.attendance, [...PRESENT]))
    .groupBy(meetingParticipants.participantGroup);
  const attendance: AttendanceByGroup = Object.fromEntries(attendanceRows.map((r) => [r.group, Number(r.n)]));
  const present = attendanceRows
    .filter((r) => !NOT_PARTICIPANTS.includes(r.group))
    .reduce((sum, r) => sum + Number(r.n), 0);
  const of = (g: ParticipantGroup) => attendance[g] ?? 0;
  kpis.set(
    'participation_residents',
    share('participation_residents', of('resident') + of('special_group'), present),
  );
  kpis.set('participation_enterprises', share('participation_enterprises', of('enterprise'), present));
  kpis.set('participation_social_orgs', share('participation_social_orgs', of('social_org'), present));

  // Special-group safeguard.
  const affecting = await ctx.db
    .selectDistinct({ topicId: topicAffectedGroups.topicId })
    .from(topicAffectedGroups)
    .innerJoin(topics, eq(topics.id, topicAffectedGroups.topicId))
    .where(and(inArray(topicAffectedGroups.group, [...SAFEGUARDED_GROUPS]), ne(topics.status, 'rejected')));
  const balances = await assessBalance(
    ctx.db,
    affecting.map((a) => a.topicId),
  );
  const safeguarded = balances.filter((b) =>
    b.groups
      .filter((g) => g.affected && (SAFEGUARDED_GROUPS as readonly string[]).includes(g.group))
      .every((g) => g.underHeard !== true || b.outreach.some((o) => o.group === g.group)),
  ).length;
  kpis.set('special_group_safeguard', share('special_group_safeguard', safeguarded, balances.length));

  // Result publication within 7 working days.
  const results7 = withResult.filter((t) => t.resultPublishedAt && t.resultDueOn);
  kpis.set(
    'result_publication_on_time',
    share(
      'result_publication_on_time',
      results7.filter(
        (t) => t.resultPublishedAt && t.resultDueOn && day(t.resultPublishedAt) <= t.resultDueOn,
      ).length,
      results7.length,
    ),
  );
  kpis.set(
    'result_publication_median_days',
    days(
      'result_publication_median_days',
      withResult.flatMap((t) =>
        t.deliberatedAt && t.resultPublishedAt
          ? [workingDaysBetween(day(t.deliberatedAt), day(t.resultPublishedAt))]
          : [],
      ),
    ),
  );

  // Departments' responses.
  const firstReports = await ctx.db
    .select({
      itemId: responsibilityProgress.itemId,
      department: responsibilityProgress.department,
      firstOn: sql<string>`min(${responsibilityProgress.reportedOn})::text`,
    })
    .from(responsibilityProgress)
    .groupBy(responsibilityProgress.itemId, responsibilityProgress.department);
  const firstOn = new Map(firstReports.map((r) => [`${r.itemId} ${r.department}`, r.firstOn]));
  let crossDue = 0;
  let crossInTime = 0;
  const firstResponseDays: number[] = [];
  for (const item of items) {
    const lead = firstOn.get(`${item.id} ${item.department}`);
    if (lead) firstResponseDays.push(workingDaysBetween(item.assignedOn, lead));
    if (!item.responseDueOn) continue;
    for (const department of involvedDepartments(item)) {
      const answered = firstOn.get(`${item.id} ${department}`);
      if (!answered && today <= item.responseDueOn) continue;
      crossDue += 1;
      if (answered && answered <= item.responseDueOn) crossInTime += 1;
    }
  }
  kpis.set(
    'cross_department_response_on_time',
    share('cross_department_response_on_time', crossInTime, crossDue),
  );
  kpis.set('first_response_median_days', days('first_response_median_days', firstResponseDays));

  return {
    today,
    kpis: KPI_IDS.map((id) => {
      const kpi = kpis.get(id);
      if (!kpi) throw new Error(`KPI ${id} was not computed`);
      return kpi;
    }),
    attendance,
  };
}
