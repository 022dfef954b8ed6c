import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { responsibilityItems } from '../db/schema.ts';
import { assertInScope, communityScope } from '../deliberation/deliberation-scope.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { findTopic, topicNotFound } from '../topics/apply-transition.ts';
import { timeZoneField, topicIdField } from '../topics/topic-input.ts';
import { localDate } from '../topics/working-days.ts';
import { itemDeadlines } from './item-timing.ts';
import { RESPONSIBILITY_MANAGER_ROLES } from './lists-roles.ts';
import { parseListsInput } from './parse-lists-input.ts';
import {
  DEADLINE_MAX_WORKING_DAYS,
  DEPARTMENT_MAX,
  ITEM_TEXT_MAX,
  ITEM_TITLE_MAX,
  LIST_TOPIC_STATUSES,
  langField,
  type ResponsibilityItem,
  requiredText,
} from './responsibility-item.ts';

export const createResponsibilityItemInput = z.object({
  topicId: topicIdField,
  title: requiredText(ITEM_TITLE_MAX),
  acceptanceCriteria: requiredText(ITEM_TEXT_MAX),
  lang: langField,
  /** The responsible unit. */
  department: requiredText(DEPARTMENT_MAX),
  cooperatingDepartments: z.array(z.string().trim().max(DEPARTMENT_MAX)).max(20).default([]),
  deadlineWorkingDays: z.coerce
    .number({ error: 'lists:validation.wholeDays' })
    .int({ error: 'lists:validation.wholeDays' })
    .min(1, { error: 'lists:validation.wholeDays' })
    .max(DEADLINE_MAX_WORKING_DAYS, { error: 'lists:validation.wholeDays' }),
  timeZone: timeZoneField,
});
export type CreateResponsibilityItemInput = z.input<typeof createResponsibilityItemInput>;

/**
 * Adds an item to a topic's responsibility list (责任清单): responsible unit, acceptance criteria and a
 * deadline in Chinese working days from today. Naming other departments makes it a cross-department
 * item, which every department involved must answer within 15 working days. The same title for the
 * same unit on the same topic is one item (a form sent twice is stored once).
 */
export async function createResponsibilityItem(
  ctx: Ctx,
  input: CreateResponsibilityItemInput,
): Promise<{ item: ResponsibilityItem; created: boolean }> {
  requireRole(ctx, RESPONSIBILITY_MANAGER_ROLES);
  const data = parseListsInput(createResponsibilityItemInput, input);
  const cooperating = [
    ...new Set(data.cooperatingDepartments.filter((d) => d !== '' && d !== data.department)),
  ];
  return ctx.db.transaction(async (tx) => {
    const topic = await findTopic(tx, data.topicId);
    if (!topic) throw topicNotFound();
    // A secretary writes lists for their own communities' topics, as they run their deliberation.
    assertInScope(await communityScope(withDb(ctx, tx)), topic.communityId);
    if (!LIST_TOPIC_STATUSES.includes(topic.status)) {
      throw new ServiceError('conflict', 'lists:errors.topicNotReady', {
        params: { topicCode: topic.code, status: topic.status },
      });
    }
    const [existing] = await tx
      .select()
      .from(responsibilityItems)
      .where(
        and(
          eq(responsibilityItems.topicId, topic.id),
          eq(responsibilityItems.title, data.title),
          eq(responsibilityItems.department, data.department),
        ),
      )
      .limit(1);
    if (existing) return { item: existing, created: false };

    const now = ctx.clock.now();
    const assignedOn = localDate(now, data.timeZone);
    const { dueOn, responseDueOn } = itemDeadlines(
      assignedOn,
      data.deadlineWorkingDays,
      cooperating.length > 0,
    );
    const [item] = await tx
      .insert(responsibilityItems)
      .values({
        topicId: topic.id,
        title: data.title,
        acceptanceCriteria: data.acceptanceCriteria,
        lang: data.lang,
        department: data.department,
        cooperatingDepartments: cooperating,
        assignedOn,
        deadlineWorkingDays: data.deadlineWorkingDays,
        dueOn,
        responseDueOn,
        status: 'open',
        createdBy: actorStaffId(ctx.actor) ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!item) throw new Error('insert into responsibility_items returned no row');
    await appendAudit(withDb(ctx, tx), {
      action: 'responsibility.create',
      subjectType: 'responsibility_item',
      subjectId: item.id,
      data: {
        code: item.code,
        topic: topic.code,
        department: item.department,
        cooperatingDepartments: item.cooperatingDepartments,
        assignedOn,
        deadlineWorkingDays: item.deadlineWorkingDays,
        dueOn,
        ...(responseDueOn ? { responseDueOn } : {}),
      },
    });
    return { item, created: true };
  });
}
