import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { responsibilityItems, responsibilityProgress, supervisionFlags } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { timeZoneField } from '../topics/topic-input.ts';
import { localDate } from '../topics/working-days.ts';
import { involvedDepartments } from './item-timing.ts';
import { PROGRESS_REPORTER_ROLES } from './lists-roles.ts';
import { parseListsInput } from './parse-lists-input.ts';
import {
  actorDepartment,
  DEPARTMENT_MAX,
  ITEM_TEXT_MAX,
  itemIdField,
  langField,
  lockItem,
  requiredText,
} from './responsibility-item.ts';

export type ProgressReport = typeof responsibilityProgress.$inferSelect;

const percentField = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z.coerce
    .number({ error: 'lists:validation.percent' })
    .int({ error: 'lists:validation.percent' })
    .min(0, { error: 'lists:validation.percent' })
    .max(100, { error: 'lists:validation.percent' })
    .optional(),
);

export const reportProgressInput = z.object({
  itemId: itemIdField,
  note: requiredText(ITEM_TEXT_MAX),
  percent: percentField,
  lang: langField,
  /** Only for the system (imports, tests): staff report for their own department. */
  department: z.string().trim().min(1).max(DEPARTMENT_MAX).optional(),
  timeZone: timeZoneField,
});
export type ReportProgressInput = z.input<typeof reportProgressInput>;

/** Who is reporting for which department: a liaison for their own, the system for the one it names. */
export async function reportingDepartment(ctx: Ctx, named: string | undefined): Promise<string> {
  const own = await actorDepartment(ctx);
  const department = own ?? named;
  if (!department) throw new ServiceError('validation_failed', 'lists:errors.noDepartment');
  return department;
}

/**
 * A department liaison reports progress on an item their department is involved in. The first report
 * of a department is its response (it ends that department's "no response" flag); the item becomes
 * in progress. The same note from the same person on the same day is stored once.
 */
export async function reportProgress(
  ctx: Ctx,
  input: ReportProgressInput,
): Promise<{ progress: ProgressReport; created: boolean }> {
  requireRole(ctx, PROGRESS_REPORTER_ROLES);
  const data = parseListsInput(reportProgressInput, input);
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx);
    const item = await lockItem(tx, data.itemId);
    const department = await reportingDepartment(txCtx, data.department);
    if (!involvedDepartments(item).includes(department)) {
      throw new ServiceError('forbidden', 'lists:errors.notYourDepartment', {
        params: { department, itemCode: item.code },
      });
    }
    if (item.status === 'completed') {
      throw new ServiceError('conflict', 'lists:errors.alreadyCompleted', {
        params: { itemCode: item.code },
      });
    }
    const now = ctx.clock.now();
    const reportedOn = localDate(now, data.timeZone);
    const staffId = actorStaffId(ctx.actor) ?? null;
    const [duplicate] = await tx
      .select()
      .from(responsibilityProgress)
      .where(
        and(
          eq(responsibilityProgress.itemId, item.id),
          eq(responsibilityProgress.department, department),
          eq(responsibilityProgress.note, data.note),
          eq(responsibilityProgress.reportedOn, reportedOn),
          staffId ? eq(responsibilityProgress.staffId, staffId) : isNull(responsibilityProgress.staffId),
        ),
      )
      .limit(1);
    if (duplicate) return { progress: duplicate, created: false };

    const [progress] = await tx
      .insert(responsibilityProgress)
      .values({
        itemId: item.id,
        kind: 'progress',
        department,
        staffId,
        note: data.note,
        percent: data.percent ?? null,
        lang: data.lang,
        reportedAt: now,
        reportedOn,
      })
      .returning();
    if (!progress) throw new Error('insert into responsibility_progress returned no row');
    if (item.status === 'open') {
      await tx
        .update(responsibilityItems)
        .set({ status: 'in_progress', updatedAt: now })
        .where(eq(responsibilityItems.id, item.id));
    }
    await tx
      .update(supervisionFlags)
      .set({ resolvedAt: now })
      .where(
        and(
          eq(supervisionFlags.itemId, item.id),
          eq(supervisionFlags.kind, 'no_response'),
          eq(supervisionFlags.department, department),
          isNull(supervisionFlags.resolvedAt),
        ),
      );
    await appendAudit(txCtx, {
      action: 'responsibility.progress',
      subjectType: 'responsibility_item',
      subjectId: item.id,
      data: {
        code: item.code,
        department,
        reportedOn,
        ...(data.percent !== undefined ? { percent: data.percent } : {}),
      },
    });
    return { progress, created: true };
  });
}
