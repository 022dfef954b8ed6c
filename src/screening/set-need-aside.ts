import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { screeningDecisions } from '../db/schema.ts';
import { communityScope } from '../deliberation/deliberation-scope.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import { loadUnscreenedNeeds } from './list-unscreened-needs.ts';
import { needsAlreadyScreened, REASON_MAX } from './screening-input.ts';
import { SCREENING_MANAGER_ROLES } from './screening-roles.ts';

export const setNeedAsideInput = z.object({
  needId: z.string(),
  /** Why it is not a topic, e.g. "individual repair, passed to the property manager". */
  reason: z.string().trim().min(1).max(REASON_MAX),
});

/**
 * Takes a need off the screening list without making it a topic, with the reason (kept and audited:
 * nothing a resident said disappears without a word on why).
 */
export async function setNeedAside(ctx: Ctx, input: z.input<typeof setNeedAsideInput>): Promise<void> {
  requireRole(ctx, SCREENING_MANAGER_ROLES);
  const data = parseTopicInput(setNeedAsideInput, input);
  const scope = await communityScope(ctx);
  await ctx.db.transaction(async (tx) => {
    const [need] = (await loadUnscreenedNeeds(tx, scope, { ids: [data.needId] })).needs;
    if (!need) throw new ServiceError('not_found', 'deliberation:errors.needNotFound');
    const inserted = await tx
      .insert(screeningDecisions)
      .values({
        intakeId: need.id,
        outcome: 'set_aside',
        reason: data.reason,
        decidedBy: actorStaffId(ctx.actor) ?? null,
        decidedAt: ctx.clock.now(),
      })
      .onConflictDoNothing()
      .returning({ intakeId: screeningDecisions.intakeId });
    if (inserted.length === 0) throw needsAlreadyScreened();
    await appendAudit(withDb(ctx, tx), {
      action: 'screening.set_aside',
      subjectType: 'intake',
      subjectId: need.id,
      data: { kind: need.kind, reason: data.reason },
    });
  });
}
