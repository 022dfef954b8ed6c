import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { voiceCallbacks } from '../db/schema.ts';
import { communityScope, inScope } from '../deliberation/deliberation-scope.ts';
import { redactPhoneNumbers } from '../residents/redact-phone-numbers.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { CALLBACK_HANDLER_ROLES } from './list-open-callbacks.ts';

export const completeCallbackInput = z.object({
  callbackId: z.uuid(),
  note: z.string().trim().max(500).optional(),
});

/**
 * Marks a call-back as done (the resident was rung back). Audited; doing it twice is refused with
 * `conflict` so two colleagues learn that one of them already called. Staff tied to communities close
 * only the call-backs they are shown (their communities' callers and anonymous ones); any other is
 * `not_found` to them.
 */
export async function completeCallback(
  ctx: Ctx,
  input: z.input<typeof completeCallbackInput>,
): Promise<void> {
  requireRole(ctx, CALLBACK_HANDLER_ROLES);
  const parsed = completeCallbackInput.safeParse(input);
  if (!parsed.success) {
    const badNote = parsed.error.issues.some((issue) => issue.path[0] === 'note');
    if (badNote) {
      throw new ServiceError('validation_failed', 'voice:callbacks.noteTooLong', {
        fields: [{ field: 'note', key: 'voice:callbacks.noteTooLong' }],
      });
    }
    throw new ServiceError('not_found', 'voice:callbacks.notFound');
  }
  const { callbackId, note } = parsed.data;
  const scope = await communityScope(ctx);
  await ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ status: voiceCallbacks.status, communityId: voiceCallbacks.communityId })
      .from(voiceCallbacks)
      .where(eq(voiceCallbacks.id, callbackId))
      .for('update')
      .limit(1);
    if (!current || !inScope(scope, current.communityId)) {
      throw new ServiceError('not_found', 'voice:callbacks.notFound');
    }
    if (current.status !== 'open') throw new ServiceError('conflict', 'voice:callbacks.alreadyDone');
    await tx
      .update(voiceCallbacks)
      .set({
        status: 'done',
        doneAt: ctx.clock.now(),
        doneBy: actorStaffId(ctx.actor) ?? null,
        // Free text about a resident: phone numbers typed into it are not kept.
        note: note === undefined ? null : redactPhoneNumbers(note),
      })
      .where(and(eq(voiceCallbacks.id, callbackId), eq(voiceCallbacks.status, 'open')));
    await appendAudit(
      { ...ctx, db: tx },
      {
        action: 'voice_callback.completed',
        subjectType: 'voice_callback',
        subjectId: callbackId,
        data: { noted: Boolean(note) },
      },
    );
  });
}
