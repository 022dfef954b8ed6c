import { isNotNull, lt, lte, or } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { loginAttempts, staffSessions } from '../db/schema.ts';
import { SESSION_IDLE_MS } from './start-staff-session.ts';

/** Login attempts are kept only as long as throttling looks at them. */
export const LOGIN_ATTEMPT_RETENTION_MS = 24 * 60 * 60_000;

export interface PurgeResult {
  sessions: number;
  loginAttempts: number;
}

/**
 * Deletes staff sessions that can no longer be used (past their absolute expiry, idle for 30
 * minutes, or revoked) and login attempts older than 24 hours. Run by the maintenance worker.
 */
export async function purgeExpiredSessions(ctx: Ctx): Promise<PurgeResult> {
  const now = ctx.clock.now();
  const idleLimit = new Date(now.getTime() - SESSION_IDLE_MS);
  const attemptsBefore = new Date(now.getTime() - LOGIN_ATTEMPT_RETENTION_MS);
  const sessions = await ctx.db
    .delete(staffSessions)
    .where(
      or(
        lte(staffSessions.expiresAt, now),
        lte(staffSessions.lastSeenAt, idleLimit),
        isNotNull(staffSessions.revokedAt),
      ),
    )
    .returning({ tokenHash: staffSessions.tokenHash });
  const attempts = await ctx.db
    .delete(loginAttempts)
    .where(lt(loginAttempts.at, attemptsBefore))
    .returning({ id: loginAttempts.id });
  const result = { sessions: sessions.length, loginAttempts: attempts.length };
  if (result.sessions || result.loginAttempts) ctx.log.info(result, 'purged expired staff sessions');
  return result;
}
