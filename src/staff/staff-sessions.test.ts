import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { auditLog, staffSessions } from '../db/schema.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { createStaff, type StaffSummary } from './create-staff.ts';
import { disableStaff } from './disable-staff.ts';
import { endStaffSession } from './end-staff-session.ts';
import { resolveStaffSession } from './resolve-staff-session.ts';
import { hashSessionToken, startStaffSession } from './start-staff-session.ts';

const MINUTE = 60_000;
let database: TestDatabase;
let member: StaffSummary;
let clock: ManualClock;
let ctx: Ctx;

beforeAll(async () => {
  database = await createTestDatabase();
  member = await createStaff(createTestCtx(database.db), {
    username: 'session-user',
    displayName: 'Session User',
    password: 'long enough 1234',
    roles: ['supervisor'],
  });
});
afterAll(async () => {
  await database.close();
});
beforeEach(() => {
  clock = new ManualClock('2026-12-01T00:00:00Z');
  ctx = createTestCtx(database.db, { clock });
});

describe('startStaffSession', () => {
  it('issues a random 32-byte token and stores only its SHA-256, with a 12-hour expiry', async () => {
    const a = await startStaffSession(ctx, { staffId: member.id });
    const b = await startStaffSession(ctx, { staffId: member.id });
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32);
    expect(a.token).not.toBe(b.token);
    expect(a.csrfSecret).not.toBe(b.csrfSecret);
    expect(a.expiresAt.toISOString()).toBe('2026-12-01T12:00:00.000Z');

    const rows = await database.db.select().from(staffSessions).where(eq(staffSessions.staffId, member.id));
    expect(rows.map((r) => r.tokenHash)).toContain(hashSessionToken(a.token));
    expect(JSON.stringify(rows)).not.toContain(a.token);
  });
});

describe('resolveStaffSession', () => {
  it('finds the staff member behind a fresh token and nobody behind an unknown one', async () => {
    const { token } = await startStaffSession(ctx, { staffId: member.id });
    const resolved = await resolveStaffSession(ctx, { token });
    expect(resolved?.staff).toMatchObject({ id: member.id, roles: ['supervisor'] });
    expect(await resolveStaffSession(ctx, { token: `${token}x` })).toBeUndefined();
    expect(await resolveStaffSession(ctx, { token: '' })).toBeUndefined();
  });

  it('ends a session after 30 minutes without a request', async () => {
    const { token } = await startStaffSession(ctx, { staffId: member.id });
    clock.advance(29 * MINUTE);
    expect(await resolveStaffSession(ctx, { token })).toBeDefined();
    clock.advance(30 * MINUTE);
    expect(await resolveStaffSession(ctx, { token })).toBeUndefined();
  });

  it('ends a session 12 hours after sign-in however active it is', async () => {
    const { token } = await startStaffSession(ctx, { staffId: member.id });
    for (let elapsed = 0; elapsed < 12 * 60 - 20; elapsed += 20) {
      clock.advance(20 * MINUTE);
      expect(await resolveStaffSession(ctx, { token }), `after ${elapsed + 20} min`).toBeDefined();
    }
    clock.set('2026-12-01T11:59:59Z');
    expect(await resolveStaffSession(ctx, { token })).toBeDefined();
    clock.set('2026-12-01T12:00:00Z');
    expect(await resolveStaffSession(ctx, { token })).toBeUndefined();
  });

  it('records activity at most once a minute', async () => {
    const { token, tokenHash } = await startStaffSession(ctx, { staffId: member.id });
    const lastSeen = async () =>
      (await database.db.select().from(staffSessions).where(eq(staffSessions.tokenHash, tokenHash)))[0]
        ?.lastSeenAt;
    clock.advance(30_000);
    await resolveStaffSession(ctx, { token });
    expect((await lastSeen())?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    clock.advance(31_000);
    await resolveStaffSession(ctx, { token });
    expect((await lastSeen())?.toISOString()).toBe('2026-12-01T00:01:01.000Z');
  });

  it('refuses a session whose account has been disabled', async () => {
    const other = await createStaff(createTestCtx(database.db), {
      username: 'to-disable',
      displayName: 'Leaving',
      password: 'long enough 1234',
      roles: ['grid_worker'],
    });
    const { token } = await startStaffSession(ctx, { staffId: other.id });
    expect(await resolveStaffSession(ctx, { token })).toBeDefined();
    await disableStaff(ctx, { username: 'to-disable' });
    expect(await resolveStaffSession(ctx, { token })).toBeUndefined();
  });
});

describe('endStaffSession', () => {
  it('revokes the session, audits it once, and is harmless to repeat', async () => {
    const { token } = await startStaffSession(ctx, { staffId: member.id });
    const staffCtx = createTestCtx(database.db, {
      clock,
      actor: { type: 'staff', staffId: member.id, roles: member.roles },
    });
    expect(await endStaffSession(staffCtx, { token })).toBe(true);
    expect(await resolveStaffSession(ctx, { token })).toBeUndefined();
    expect(await endStaffSession(staffCtx, { token })).toBe(false);
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'staff.session_ended'));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ subjectId: member.id, actor: { type: 'staff', staffId: member.id } });
    expect(JSON.stringify(audits[0])).not.toContain(token);
  });
});
