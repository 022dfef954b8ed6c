import { and, eq, isNull } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { withDb } from '../core/context.ts';
import { staffSessions } from '../db/schema.ts';
import { appendAudit } from './append-audit.ts';
import { hashSessionToken } from './start-staff-session.ts';

/**
 * Revokes the session a token belongs to (signing out). Returns whether a live session was ended;
 * ending an unknown or already-ended session is not an error, so signing out twice is harmless.
 */
export async function endStaffSession(
  ctx: Ctx,
  input: { token: string; reason?: 'logout' | 'replaced' },
): Promise<boolean> {
  if (!input.token || input.token.length > 200) return false;
  const tokenHash = hashSessionToken(input.token);
  return ctx.db.transaction(async (tx) => {
    const [ended] = await tx
      .update(staffSessions)
      .set({ revokedAt: ctx.clock.now() })
      .where(and(eq(staffSessions.tokenHash, tokenHash), isNull(staffSessions.revokedAt)))
      .returning({ staffId: staffSessions.staffId });
    if (!ended) return false;
    await appendAudit(withDb(ctx, tx), {
      action: 'staff.session_ended',
      subjectType: 'staff',
      subjectId: ended.staffId,
      // A prefix identifies the session in the log without being usable to look it up.
      data: { session: tokenHash.slice(0, 12), reason: input.reason ?? 'logout' },
    });
    return true;
  });
}
