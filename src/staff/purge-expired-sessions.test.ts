import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { loginAttempts, staff, staffSessions } from '../db/schema.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { purgeExpiredSessions } from './purge-expired-sessions.ts';

const MINUTE = 60_000;
let database: TestDatabase;
let staffId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const [row] = await database.db
    .insert(staff)
    .values({ username: 'purge-test', displayName: '测试', passwordHash: 'x', roles: ['grid_worker'] })
    .returning({ id: staff.id });
  staffId = row!.id;
});

afterAll(async () => {
  await database.close();
});

async function remainingSessions(): Promise<string[]> {
  const rows = await database.db.select({ tokenHash: staffSessions.tokenHash }).from(staffSessions);
  return rows.map((r) => r.tokenHash).sort();
}

describe('purgeExpiredSessions', () => {
  it('deletes sessions past their expiry, idle for 30 minutes or revoked, and login attempts older than a day', async () => {
    const clock = new ManualClock('2026-11-27T08:00:00Z');
    const ctx = createTestCtx(database.db, { clock });
    const at = (minutesAgo: number) => new Date(clock.now().getTime() - minutesAgo * MINUTE);
    const later = (minutes: number) => new Date(clock.now().getTime() + minutes * MINUTE);
    const session = (
      tokenHash: string,
      lastSeenAt: Date,
      expiresAt: Date,
      revokedAt: Date | null = null,
    ) => ({
      tokenHash,
      staffId,
      csrfSecret: 'c',
      createdAt: at(60),
      lastSeenAt,
      expiresAt,
      revokedAt,
    });
    await database.db
      .insert(staffSessions)
      .values([
        session('active', at(5), later(600)),
        session('idle-29', at(29), later(600)),
        session('idle-31', at(31), later(600)),
        session('expired', at(1), at(0)),
        session('revoked', at(1), later(600), at(2)),
      ]);
    await database.db.insert(loginAttempts).values([
      { username: 'a', sourceHash: 'h', succeeded: false, at: at(23 * 60) },
      { username: 'b', sourceHash: 'h', succeeded: false, at: at(25 * 60) },
    ]);

    expect(await purgeExpiredSessions(ctx)).toEqual({ sessions: 3, loginAttempts: 1 });
    expect(await remainingSessions()).toEqual(['active', 'idle-29']);
    const attempts = await database.db.select({ username: loginAttempts.username }).from(loginAttempts);
    expect(attempts.map((a) => a.username)).toEqual(['a']);

    // Two minutes on, the 29-minute session has been idle too long; then the rest ages out.
    clock.advance(2 * MINUTE);
    expect(await purgeExpiredSessions(ctx)).toEqual({ sessions: 1, loginAttempts: 0 });
    expect(await remainingSessions()).toEqual(['active']);
    clock.advance(24 * 60 * MINUTE);
    expect(await purgeExpiredSessions(ctx)).toEqual({ sessions: 1, loginAttempts: 1 });
    expect(await remainingSessions()).toEqual([]);
  });
});
