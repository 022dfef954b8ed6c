import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { type ProgressKind, responsibilityProgress, staff, supervisionFlags } from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import { timeZoneField } from '../topics/topic-input.ts';
import { listResponsibilityItems, type ResponsibilityRow } from './list-responsibility-items.ts';
import { LISTS_VIEWER_ROLES } from './lists-roles.ts';
import { parseListsInput } from './parse-lists-input.ts';
import { findItem, itemIdField, itemNotFound } from './responsibility-item.ts';

export const getResponsibilityItemInput = z.object({ itemId: itemIdField, timeZone: timeZoneField });

export interface ProgressEntry {
  id: string;
  kind: ProgressKind;
  department: string;
  reporter: string | null;
  note: string;
  percent: number | null;
  lang: string;
  reportedAt: Date;
  reportedOn: string;
}

export type FlagEntry = typeof supervisionFlags.$inferSelect;

export interface ResponsibilityItemDetail {
  today: string;
  item: ResponsibilityRow;
  progress: ProgressEntry[];
  flags: FlagEntry[];
}

/** One item as its page shows it: where it stands, every progress report in order, every flag raised. */
export async function getResponsibilityItem(
  ctx: Ctx,
  input: z.input<typeof getResponsibilityItemInput>,
): Promise<ResponsibilityItemDetail> {
  requireRole(ctx, LISTS_VIEWER_ROLES);
  const data = parseListsInput(getResponsibilityItemInput, input);
  const found = await findItem(ctx.db, data.itemId);
  if (!found) throw itemNotFound();
  const { today, items } = await listResponsibilityItems(ctx, {
    topicId: found.topicId,
    timeZone: data.timeZone,
  });
  const item = items.find((i) => i.id === found.id);
  if (!item) throw itemNotFound();
  const progress = await ctx.db
    .select({
      id: responsibilityProgress.id,
      kind: responsibilityProgress.kind,
      department: responsibilityProgress.department,
      reporter: staff.displayName,
      note: responsibilityProgress.note,
      percent: responsibilityProgress.percent,
      lang: responsibilityProgress.lang,
      reportedAt: responsibilityProgress.reportedAt,
      reportedOn: responsibilityProgress.reportedOn,
    })
    .from(responsibilityProgress)
    .leftJoin(staff, eq(staff.id, responsibilityProgress.staffId))
    .where(eq(responsibilityProgress.itemId, found.id))
    .orderBy(asc(responsibilityProgress.reportedAt));
  const flags = await ctx.db
    .select()
    .from(supervisionFlags)
    .where(eq(supervisionFlags.itemId, found.id))
    .orderBy(asc(supervisionFlags.flaggedAt));
  return { today, item, progress, flags };
}
