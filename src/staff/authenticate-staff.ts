import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { loginAttempts, staff } from '../db/schema.ts';
import { appendAudit } from './append-audit.ts';
import { type StaffSummary, toSummary } from './create-staff.ts';
import { invalidInput } from './invalid-input.ts';
import { hashPassword, PASSWORD_MAX_LENGTH, verifyPassword } from './passwords.ts';

/** Failed sign-ins allowed within the window, per account and per client address. */
export const LOGIN_THROTTLE = {
  windowMs: 15 * 60_000,
  maxFailuresPerUsername: 5,
  maxFailuresPerSource: 20,
} as const;

export const authenticateStaffInput = z.object({
  username: z
    .string({ error: 'staff:username.required' })
    .trim()
    .toLowerCase()
    .min(1, { error: 'staff:username.required' })
    .max(200, { error: 'staff:username.tooLong' }),
  password: z
    .string({ error: 'staff:password.required' })
    .min(1, { error: 'staff:password.required' })
    .max(PASSWORD_MAX_LENGTH, { error: 'staff:password.tooLong' }),
  /** The address the attempt came from; only its keyed hash is stored. */
  clientAddress: z.string().min(1),
});
export type AuthenticateStaffInput = z.input<typeof authenticateStaffInput>;

let dummyHash: Promise<string> | undefined;

/**
 * Checks a username and password. Unknown account, wrong password and disabled account all fail with
 * the same `unauthenticated` error after the same hashing work, so a response says nothing about which
 * accounts exist. Too many recent failures for the account or from the address fail with
 * `rate_limited` (params: `retryAfterSeconds`, `minutes`) before the password is looked at.
 */
export async function authenticateStaff(ctx: Ctx, input: AuthenticateStaffInput): Promise<StaffSummary> {
  const parsed = authenticateStaffInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const { username, password, clientAddress } = parsed.data;
  const sourceHash = ctx.pii.opaqueHash(clientAddress);
  const now = ctx.clock.now();

  const retryAt = await throttledUntil(ctx, username, sourceHash, now);
  if (retryAt) {
    const retryAfterSeconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));
    // Refusals are logged, not audited or counted: a flood of them must not flood the audit chain
    // nor extend the lock-out indefinitely.
    ctx.log.warn({ sourceHash, retryAfterSeconds }, 'staff sign-in refused: too many failed attempts');
    throw new ServiceError('rate_limited', 'staff:login.rateLimited', {
      params: { retryAfterSeconds, minutes: Math.ceil(retryAfterSeconds / 60) },
    });
  }

  const [row] = await ctx.db.select().from(staff).where(eq(staff.username, username));
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  // Verify even when there is no such account, so unknown names take as long as wrong passwords.
  const passwordMatches = await verifyPassword(row?.passwordHash ?? (await dummyHash), password);
  const succeeded = Boolean(row?.active && passwordMatches);
  const reason = !row
    ? 'unknown_user'
    : !passwordMatches
      ? 'wrong_password'
      : !row.active
        ? 'disabled'
        : 'ok';

  await ctx.db.transaction(async (tx) => {
    await tx.insert(loginAttempts).values({ username, sourceHash, succeeded, at: now });
    const auditCtx = withDb(
      succeeded && row ? { ...ctx, actor: { type: 'staff', staffId: row.id, roles: row.roles } } : ctx,
      tx,
    );
    await appendAudit(auditCtx, {
      action: succeeded ? 'staff.login_succeeded' : 'staff.login_failed',
      subjectType: 'staff',
      // A mistyped name may be a password typed in the wrong box: only a keyed hash of it is kept.
      subjectId: row?.id ?? `unknown:${ctx.pii.opaqueHash(username)}`,
      data: { reason, sourceHash, ...(row ? { username } : {}) },
    });
  });

  if (!succeeded || !row) throw new ServiceError('unauthenticated', 'staff:login.invalid');
  return toSummary(row);
}

/** When the earliest throttle lifts, or undefined when the attempt may go ahead. */
async function throttledUntil(
  ctx: Ctx,
  username: string,
  sourceHash: string,
  now: Date,
): Promise<Date | undefined> {
  const windowStart = new Date(now.getTime() - LOGIN_THROTTLE.windowMs);
  // A success ends an account's run of failures; it does not clear the address's count, or one valid
  // account would let an attacker keep guessing at others.
  const [lastSuccess] = await ctx.db
    .select({ at: loginAttempts.at })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.username, username), eq(loginAttempts.succeeded, true)))
    .orderBy(desc(loginAttempts.at))
    .limit(1);
  const userSince = lastSuccess && lastSuccess.at > windowStart ? lastSuccess.at : windowStart;

  const userFailures = await ctx.db
    .select({ at: loginAttempts.at })
    .from(loginAttempts)
    .where(
      and(
        eq(loginAttempts.username, username),
        eq(loginAttempts.succeeded, false),
        gt(loginAttempts.at, userSince),
      ),
    )
    .orderBy(desc(loginAttempts.at))
    .limit(LOGIN_THROTTLE.maxFailuresPerUsername);
  const sourceFailures = await ctx.db
    .select({ at: loginAttempts.at })
    .from(loginAttempts)
    .where(
      and(
        eq(loginAttempts.sourceHash, sourceHash),
        eq(loginAttempts.succeeded, false),
        gt(loginAttempts.at, windowStart),
      ),
    )
    .orderBy(desc(loginAttempts.at))
    .limit(LOGIN_THROTTLE.maxFailuresPerSource);

  // The block lifts when the oldest failure that still counts toward the limit leaves the window.
  const until: Date[] = [];
  const userOldest = userFailures[LOGIN_THROTTLE.maxFailuresPerUsername - 1];
  if (userOldest) until.push(new Date(userOldest.at.getTime() + LOGIN_THROTTLE.windowMs));
  const sourceOldest = sourceFailures[LOGIN_THROTTLE.maxFailuresPerSource - 1];
  if (sourceOldest) until.push(new Date(sourceOldest.at.getTime() + LOGIN_THROTTLE.windowMs));
  return until.length ? new Date(Math.max(...until.map((d) => d.getTime()))) : undefined;
}
