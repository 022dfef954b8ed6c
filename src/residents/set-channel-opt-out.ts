import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { OPT_OUT_CHANNELS, residentOptOuts } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';

export const setChannelOptOutInput = z.object({
  residentId: z.uuid(),
  channel: z.enum(OPT_OUT_CHANNELS),
  optedOut: z.boolean(),
  /** What caused it: `reply:TD`, a provider error code, a staff action. Never a phone number. */
  reason: z.string().trim().min(1).max(200),
});
export type SetChannelOptOutInput = z.input<typeof setChannelOptOutInput>;

/**
 * Opts a resident out of (or back into) one channel, with an audit entry. Asking for the state the
 * resident is already in changes nothing and writes no audit entry.
 */
export async function setChannelOptOut(
  ctx: Ctx,
  input: SetChannelOptOutInput,
): Promise<{ changed: boolean }> {
  const { residentId, channel, optedOut, reason } = setChannelOptOutInput.parse(input);
  const run = async (tx: Ctx) => {
    const changedAt = tx.clock.now();
    // Each statement changes the row only if the state differs, so two concurrent identical
    // requests cannot both report a change (the second waits on the row, then sees it done).
    const changed = optedOut
      ? await tx.db
          .insert(residentOptOuts)
          .values({ residentId, channel, optedOut: true, changedAt, reason })
          .onConflictDoUpdate({
            target: [residentOptOuts.residentId, residentOptOuts.channel],
            set: { optedOut: true, changedAt, reason },
            setWhere: sql`${residentOptOuts.optedOut} = false`,
          })
          .returning({ residentId: residentOptOuts.residentId })
      : // Absence of a row already means opted in.
        await tx.db
          .update(residentOptOuts)
          .set({ optedOut: false, changedAt, reason })
          .where(
            and(
              eq(residentOptOuts.residentId, residentId),
              eq(residentOptOuts.channel, channel),
              eq(residentOptOuts.optedOut, true),
            ),
          )
          .returning({ residentId: residentOptOuts.residentId });
    if (changed.length === 0) return { changed: false };
    await appendAudit(tx, {
      action: optedOut ? 'resident.opt_out' : 'resident.opt_in',
      subjectType: 'resident',
      subjectId: residentId,
      data: { channel, reason },
    });
    return { changed: true };
  };
  return 'rollback' in ctx.db ? run(ctx) : ctx.db.transaction((tx) => run(withDb(ctx, tx)));
}
