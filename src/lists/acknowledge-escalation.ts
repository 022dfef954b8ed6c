import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { responsibilityItems, supervisionFlags } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { isUuid } from '../topics/topic-input.ts';
import { ESCALATION_HANDLER_ROLES } from './lists-roles.ts';
import { parseListsInput } from './parse-lists-input.ts';
import { ITEM_TEXT_MAX, requiredText } from './responsibility-item.ts';

export const acknowledgeEscalationInput = z.object({
  flagId: z.string(),
  /** What the supervisor did or asked for (a call to the department head, a meeting, a new date). */
  note: requiredText(ITEM_TEXT_MAX),
});

/**
 * A supervisor takes up an escalation, recording what they are doing about it; it leaves the open
 * escalation list. The item stays flagged until the work is done. Taking it up twice changes nothing.
 */
export async function acknowledgeEscalation(
  ctx: Ctx,
  input: z.input<typeof acknowledgeEscalationInput>,
): Promise<{ flag: typeof supervisionFlags.$inferSelect; changed: boolean }> {
  requireRole(ctx, ESCALATION_HANDLER_ROLES);
  const data = parseListsInput(acknowledgeEscalationInput, input);
  if (!isUuid(data.flagId)) throw new ServiceError('not_found', 'lists:errors.escalationNotFound');
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ flag: supervisionFlags, code: responsibilityItems.code })
      .from(supervisionFlags)
      .innerJoin(responsibilityItems, eq(responsibilityItems.id, supervisionFlags.itemId))
      .where(eq(supervisionFlags.id, data.flagId))
      .for('update', { of: supervisionFlags })
      .limit(1);
    if (!row) throw new ServiceError('not_found', 'lists:errors.escalationNotFound');
    if (row.flag.acknowledgedAt) return { flag: row.flag, changed: false };
    const now = ctx.clock.now();
    const [flag] = await tx
      .update(supervisionFlags)
      .set({
        acknowledgedAt: now,
        acknowledgedBy: actorStaffId(ctx.actor) ?? null,
        acknowledgementNote: data.note,
      })
      .where(eq(supervisionFlags.id, row.flag.id))
      .returning();
    if (!flag) throw new Error('supervision flag vanished while locked');
    await appendAudit(withDb(ctx, tx), {
      action: 'supervision.acknowledge',
      subjectType: 'supervision_flag',
      subjectId: flag.id,
      data: { item: row.code, kind: flag.kind, department: flag.department },
    });
    return { flag, changed: true };
  });
}
