import { and, asc, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import {
  type LocalizedText,
  responsibilityItems,
  type SupervisionKind,
  staff,
  supervisionFlags,
  topics,
} from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import { timeZoneField } from '../topics/topic-input.ts';
import { listResponsibilityItems, type ResponsibilityRow } from './list-responsibility-items.ts';
import { LISTS_VIEWER_ROLES } from './lists-roles.ts';
import { parseListsInput } from './parse-lists-input.ts';

export const listSupervisionInput = z.object({
  department: z.string().trim().max(200).optional(),
  timeZone: timeZoneField,
  /** How many handled (resolved or acknowledged) escalations to show after the open ones. */
  handledLimit: z.number().int().min(0).max(500).default(50),
});

export interface Escalation {
  id: string;
  kind: SupervisionKind;
  department: string;
  missedOn: string;
  flaggedOn: string;
  noticesQueued: number;
  resolvedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  acknowledgementNote: string | null;
  item: { id: string; code: string; title: string; lang: string; dueOn: string };
  topic: { id: string; code: string; title: LocalizedText };
}

export interface SupervisionList {
  today: string;
  /** Raised, not answered and not yet taken up by a supervisor: the escalation list. */
  open: Escalation[];
  /** Taken up by a supervisor or answered since, newest first. */
  handled: Escalation[];
  /** Open items that need watching today: overdue, due soon, or a department silent too long. */
  attention: ResponsibilityRow[];
}

/**
 * The supervision list (督办清单): the escalations the daily check raised — open ones first, oldest
 * first — and the open items that are overdue, due within three working days or waiting for a
 * department's response.
 */
export async function listSupervision(
  ctx: Ctx,
  input: z.input<typeof listSupervisionInput> = {},
): Promise<SupervisionList> {
  requireRole(ctx, LISTS_VIEWER_ROLES);
  const data = parseListsInput(listSupervisionInput, input);
  const byDepartment: SQL | undefined = data.department
    ? eq(supervisionFlags.department, data.department)
    : undefined;
  const select = () =>
    ctx.db
      .select({
        flag: supervisionFlags,
        acknowledgedBy: staff.displayName,
        item: {
          id: responsibilityItems.id,
          code: responsibilityItems.code,
          title: responsibilityItems.title,
          lang: responsibilityItems.lang,
          dueOn: responsibilityItems.dueOn,
        },
        topic: { id: topics.id, code: topics.code, title: topics.title },
      })
      .from(supervisionFlags)
      .innerJoin(responsibilityItems, eq(responsibilityItems.id, supervisionFlags.itemId))
      .innerJoin(topics, eq(topics.id, responsibilityItems.topicId))
      .leftJoin(staff, eq(staff.id, supervisionFlags.acknowledgedBy));
  const toEscalation = (row: Awaited<ReturnType<typeof select>>[number]): Escalation => ({
    id: row.flag.id,
    kind: row.flag.kind,
    department: row.flag.department,
    missedOn: row.flag.missedOn,
    flaggedOn: row.flag.flaggedOn,
    noticesQueued: row.flag.noticesQueued,
    resolvedAt: row.flag.resolvedAt,
    acknowledgedAt: row.flag.acknowledgedAt,
    acknowledgedBy: row.acknowledgedBy,
    acknowledgementNote: row.flag.acknowledgementNote,
    item: row.item,
    topic: row.topic,
  });
  const open = await select()
    .where(and(isNull(supervisionFlags.resolvedAt), isNull(supervisionFlags.acknowledgedAt), byDepartment))
    .orderBy(asc(supervisionFlags.flaggedAt), asc(responsibilityItems.number));
  const handled = data.handledLimit
    ? await select()
        .where(
          and(
            sql`(${supervisionFlags.resolvedAt} is not null or ${supervisionFlags.acknowledgedAt} is not null)`,
            byDepartment,
          ),
        )
        .orderBy(desc(supervisionFlags.flaggedAt), desc(responsibilityItems.number))
        .limit(data.handledLimit)
    : [];
  const { today, items } = await listResponsibilityItems(ctx, {
    statuses: ['open', 'in_progress'],
    timeZone: data.timeZone,
    ...(data.department ? { department: data.department } : {}),
  });
  const attention = items.filter(
    (i) => i.timing.state === 'overdue' || i.timing.state === 'due_soon' || i.silentDepartments.length > 0,
  );
  return { today, open: open.map(toEscalation), handled: handled.map(toEscalation), attention };
}
