import { and, asc, desc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import {
  type LocalizedText,
  RESPONSIBILITY_STATUSES,
  responsibilityItems,
  responsibilityProgress,
  supervisionFlags,
  type TopicStatus,
  topics,
} from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import { isUuid, timeZoneField } from '../topics/topic-input.ts';
import { localDate } from '../topics/working-days.ts';
import { anyUuid } from './any-uuid.ts';
import { type ItemTiming, involvedDepartments, itemTiming, silentDepartments } from './item-timing.ts';
import { LISTS_VIEWER_ROLES } from './lists-roles.ts';
import { parseListsInput } from './parse-lists-input.ts';
import type { ResponsibilityItem } from './responsibility-item.ts';

export const listResponsibilityItemsInput = z.object({
  topicId: z.string().optional(),
  /** Items this department leads or cooperates on. */
  department: z.string().trim().max(200).optional(),
  statuses: z.array(z.enum(RESPONSIBILITY_STATUSES)).optional(),
  timeZone: timeZoneField,
});
export type ListResponsibilityItemsInput = z.input<typeof listResponsibilityItemsInput>;

export interface ResponsibilityRow extends ResponsibilityItem {
  topic: { id: string; code: string; title: LocalizedText; status: TopicStatus; communityId: string | null };
  crossDepartment: boolean;
  timing: ItemTiming;
  /** Departments involved that have reported at least once, and the day each first did. */
  responses: { department: string; firstOn: string }[];
  /** Involved departments that have not responded although the 15-working-day response day has passed. */
  silentDepartments: string[];
  latestProgress: { note: string; percent: number | null; lang: string; reportedOn: string } | null;
  /** Supervision flags raised and not yet resolved. */
  openFlags: number;
}

/** An item's terms and where it stands, as both the list export and the open data publish them. */
export function itemTerms(i: ResponsibilityRow) {
  return {
    title: i.title,
    acceptanceCriteria: i.acceptanceCriteria,
    language: i.lang,
    department: i.department,
    cooperatingDepartments: i.cooperatingDepartments,
    assignedOn: i.assignedOn,
    deadlineWorkingDays: i.deadlineWorkingDays,
    dueOn: i.dueOn,
    responseDueOn: i.responseDueOn,
    status: i.status,
    state: i.timing.state,
    workingDaysLate: i.timing.workingDaysLate,
  };
}

/**
 * The responsibility list with where each item stands today: deadline state in working days, which
 * departments have responded, the latest progress and open supervision flags. By topic, then item.
 */
export async function listResponsibilityItems(
  ctx: Ctx,
  input: ListResponsibilityItemsInput = {},
): Promise<{ today: string; items: ResponsibilityRow[] }> {
  requireRole(ctx, LISTS_VIEWER_ROLES);
  const data = parseListsInput(listResponsibilityItemsInput, input);
  const today = localDate(ctx.clock.now(), data.timeZone);
  if (data.topicId !== undefined && !isUuid(data.topicId)) return { today, items: [] };
  const conditions: SQL[] = [];
  if (data.topicId) conditions.push(eq(responsibilityItems.topicId, data.topicId));
  if (data.department) {
    conditions.push(
      sql`(${responsibilityItems.department} = ${data.department} or ${data.department} = any(${responsibilityItems.cooperatingDepartments}))`,
    );
  }
  if (data.statuses) {
    if (data.statuses.length === 0) return { today, items: [] };
    conditions.push(inArray(responsibilityItems.status, data.statuses));
  }
  const rows = await ctx.db
    .select({
      item: responsibilityItems,
      topic: {
        id: topics.id,
        code: topics.code,
        title: topics.title,
        status: topics.status,
        communityId: topics.communityId,
      },
    })
    .from(responsibilityItems)
    .innerJoin(topics, eq(topics.id, responsibilityItems.topicId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(topics.number), asc(responsibilityItems.number));
  if (rows.length === 0) return { today, items: [] };
  const ids = rows.map((r) => r.item.id);

  const responses = await ctx.db
    .select({
      itemId: responsibilityProgress.itemId,
      department: responsibilityProgress.department,
      firstOn: sql<string>`min(${responsibilityProgress.reportedOn})::text`,
    })
    .from(responsibilityProgress)
    .where(anyUuid(responsibilityProgress.itemId, ids))
    .groupBy(responsibilityProgress.itemId, responsibilityProgress.department);
  const latest = await ctx.db
    .selectDistinctOn([responsibilityProgress.itemId], {
      itemId: responsibilityProgress.itemId,
      note: responsibilityProgress.note,
      percent: responsibilityProgress.percent,
      lang: responsibilityProgress.lang,
      reportedOn: responsibilityProgress.reportedOn,
    })
    .from(responsibilityProgress)
    .where(anyUuid(responsibilityProgress.itemId, ids))
    .orderBy(responsibilityProgress.itemId, desc(responsibilityProgress.reportedAt));
  const flags = await ctx.db
    .select({ itemId: supervisionFlags.itemId, n: sql<number>`count(*)`.mapWith(Number) })
    .from(supervisionFlags)
    .where(and(anyUuid(supervisionFlags.itemId, ids), isNull(supervisionFlags.resolvedAt)))
    .groupBy(supervisionFlags.itemId);

  const responsesOf = new Map<string, { department: string; firstOn: string }[]>();
  for (const r of responses) {
    responsesOf.set(r.itemId, [
      ...(responsesOf.get(r.itemId) ?? []),
      { department: r.department, firstOn: r.firstOn },
    ]);
  }
  const latestOf = new Map(latest.map((l) => [l.itemId, l]));
  const flagsOf = new Map(flags.map((f) => [f.itemId, f.n]));

  const items = rows.map(({ item, topic }): ResponsibilityRow => {
    const involved = involvedDepartments(item);
    const itemResponses = (responsesOf.get(item.id) ?? [])
      .filter((r) => involved.includes(r.department))
      .sort((a, b) => involved.indexOf(a.department) - involved.indexOf(b.department));
    const responded = new Set(itemResponses.map((r) => r.department));
    const last = latestOf.get(item.id);
    return {
      ...item,
      topic,
      crossDepartment: item.cooperatingDepartments.length > 0,
      timing: itemTiming(item, today),
      responses: itemResponses,
      silentDepartments: silentDepartments(item, responded, today),
      latestProgress: last
        ? { note: last.note, percent: last.percent, lang: last.lang, reportedOn: last.reportedOn }
        : null,
      openFlags: flagsOf.get(item.id) ?? 0,
    };
  });
  return { today, items };
}
