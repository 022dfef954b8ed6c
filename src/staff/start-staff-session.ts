import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { staffSessions } from '../db/schema.ts';
import { invalidInput } from './invalid-input.ts';

/** A session ends this long after sign-in, however active it is. */
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 30 * 60_000;

/** What the database keeps instead of the token: a stolen table does not yield usable cookies. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export const startStaffSessionInput = z.object({ staffId: z.uuid() });

export interface StartedSession {
  /** Goes into the cookie and nowhere else. */
  token: string;
  tokenHash: string;
  csrfSecret: string;
  expiresAt: Date;
}

/** Opens a new session for a staff member who has just authenticated; always a new token. */
export async function startStaffSession(
  ctx: Ctx,
  input: z.input<typeof startStaffSessionInput>,
): Promise<StartedSession> {
  const parsed = startStaffSessionInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const token = randomBytes(32).toString('base64url');
  const tokenHash = hashSessionToken(token);
  const csrfSecret = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
  await ctx.db.insert(staffSessions).values({
    tokenHash,
    staffId: parsed.data.staffId,
    csrfSecret,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
  });
  return { token, tokenHash, csrfSecret, expiresAt };
}
