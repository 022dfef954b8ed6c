import { and, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import {
  responsibilityItems,
  responsibilityProgress,
  supervisionFlags,
  type TopicStatus,
} from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { findTopic } from '../topics/apply-transition.ts';
import { startEvaluation } from '../topics/start-evaluation.ts';
import { startImplementation } from '../topics/start-implementation.ts';
import { timeZoneField } from '../topics/topic-input.ts';
import { localDate } from '../topics/working-days.ts';
import { PROGRESS_REPORTER_ROLES } from './lists-roles.ts';
import { parseListsInput } from './parse-lists-input.ts';
import { reportingDepartment } from './report-progress.ts';
import {
  DEPARTMENT_MAX,
  ITEM_TEXT_MAX,
  itemIdField,
  langField,
  lockItem,
  type ResponsibilityItem,
  requiredText,
} from './responsibility-item.ts';

export const completeResponsibilityItemInput = z.object({
  itemId: itemIdField,
  /** How the acceptance criteria were met. */
  note: requiredText(ITEM_TEXT_MAX),
  lang: langField,
  /** Only for the system (imports, tests): staff complete for their own department. */
  department: z.string().trim().min(1).max(DEPARTMENT_MAX).optional(),
  timeZone: timeZoneField,
});
export type CompleteResponsibilityItemInput = z.input<typeof completeResponsibilityItemInput>;

export interface CompleteResponsibilityItemResult {
  item: ResponsibilityItem;
  /** False when the item was already completed (nothing changed). */
  completed: boolean;
  /** The topic's new status when this was its last open item (evaluation then starts). */
  topicStatus?: TopicStatus;
  /** The satisfaction survey campaign started with the evaluation; its deliveries await the outbox sweep. */
  evaluationCampaignId?: string | undefined;
}

/**
 * The lead department records the work as done, saying how the acceptance criteria were met. When it
 * is the topic's last open item, the topic moves on to evaluation in the same transaction (through
 * implementation first if nobody had started it), which starts the residents' satisfaction survey.
 * Completing a completed item changes nothing.
 */
export async function completeResponsibilityItem(
  ctx: Ctx,
  input: CompleteResponsibilityItemInput,
): Promise<CompleteResponsibilityItemResult> {
  requireRole(ctx, PROGRESS_REPORTER_ROLES);
  const data = parseListsInput(completeResponsibilityItemInput, input);
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx);
    const item = await lockItem(tx, data.itemId);
    const department = await reportingDepartment(txCtx, data.department);
    if (department !== item.department) {
      throw new ServiceError('forbidden', 'lists:errors.leadOnly', {
        params: { department: item.department, itemCode: item.code },
      });
    }
    if (item.status === 'completed') return { item, completed: false };

    const now = ctx.clock.now();
    const completedOn = localDate(now, data.timeZone);
    await tx.insert(responsibilityProgress).values({
      itemId: item.id,
      kind: 'completion',
      department,
      staffId: actorStaffId(ctx.actor) ?? null,
      note: data.note,
      percent: 100,
      lang: data.lang,
      reportedAt: now,
      reportedOn: completedOn,
    });
    const [updated] = await tx
      .update(responsibilityItems)
      .set({ status: 'completed', completedAt: now, completedOn, completionNote: data.note, updatedAt: now })
      .where(eq(responsibilityItems.id, item.id))
      .returning();
    if (!updated) throw new Error('responsibility item vanished while locked');
    // Done work answers every flag: nobody needs chasing for it any more.
    await tx
      .update(supervisionFlags)
      .set({ resolvedAt: now })
      .where(and(eq(supervisionFlags.itemId, item.id), isNull(supervisionFlags.resolvedAt)));

    const open = await tx
      .select({ id: responsibilityItems.id })
      .from(responsibilityItems)
      .where(and(eq(responsibilityItems.topicId, item.topicId), ne(responsibilityItems.status, 'completed')))
      .limit(1);
    let topicStatus: TopicStatus | undefined;
    let evaluationCampaignId: string | undefined;
    if (open.length === 0) {
      const topic = await findTopic(tx, item.topicId);
      if (topic?.status === 'result_published') {
        await startImplementation(txCtx, { topicId: topic.id });
      }
      if (topic && (topic.status === 'result_published' || topic.status === 'implementing')) {
        const leads = await tx
          .selectDistinct({ department: responsibilityItems.department })
          .from(responsibilityItems)
          .where(eq(responsibilityItems.topicId, topic.id));
        // One survey per topic: it names the department only when a single unit led all the work.
        const evaluation = await startEvaluation(txCtx, {
          topicId: topic.id,
          ...(leads.length === 1 && leads[0] ? { department: leads[0].department } : {}),
        });
        topicStatus = evaluation.topic.status;
        evaluationCampaignId = evaluation.evaluationCampaignId;
      }
    }
    await appendAudit(txCtx, {
      action: 'responsibility.complete',
      subjectType: 'responsibility_item',
      subjectId: item.id,
      data: {
        code: item.code,
        department,
        completedOn,
        dueOn: item.dueOn,
        ...(topicStatus ? { topicStatus } : {}),
      },
    });
    return { item: updated, completed: true, ...(topicStatus ? { topicStatus, evaluationCampaignId } : {}) };
  });
}
