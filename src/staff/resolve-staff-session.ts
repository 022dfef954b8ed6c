import { eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { staff, staffSessions } from '../db/schema.ts';
import { type StaffSummary, toSummary } from './create-staff.ts';
import { hashSessionToken, SESSION_IDLE_MS } from './start-staff-session.ts';

/** Writing lastSeenAt on every request would turn each page view into a write; once a minute is enough. */
const TOUCH_INTERVAL_MS = 60_000;

export interface ResolvedStaffSession {
  staff: StaffSummary;
  session: { tokenHash: string; csrfSecret: string; expiresAt: Date; lastSeenAt: Date };
}

/**
 * The signed-in staff member behind a session token, or undefined when the session is unknown,
 * revoked, idle for 30 minutes, past its 12-hour lifetime, or belongs to a disabled account.
 */
export async function resolveStaffSession(
  ctx: Ctx,
  input: { token: string },
): Promise<ResolvedStaffSession | undefined> {
  if (!input.token || input.token.length > 200) return undefined;
  const tokenHash = hashSessionToken(input.token);
  const [row] = await ctx.db
    .select({ session: staffSessions, staff })
    .from(staffSessions)
    .innerJoin(staff, eq(staff.id, staffSessions.staffId))
    .where(eq(staffSessions.tokenHash, tokenHash));
  if (!row) return undefined;
  const now = ctx.clock.now();
  const { session } = row;
  if (session.revokedAt) return undefined;
  if (now.getTime() >= session.expiresAt.getTime()) return undefined;
  if (now.getTime() - session.lastSeenAt.getTime() >= SESSION_IDLE_MS) return undefined;
  if (!row.staff.active) return undefined;

  let lastSeenAt = session.lastSeenAt;
  if (now.getTime() - lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    lastSeenAt = now;
    await ctx.db.update(staffSessions).set({ lastSeenAt: now }).where(eq(staffSessions.tokenHash, tokenHash));
  }
  return {
    staff: toSummary(row.staff),
    session: { tokenHash, csrfSecret: session.csrfSecret, expiresAt: session.expiresAt, lastSeenAt },
  };
}
