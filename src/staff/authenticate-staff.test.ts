import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { ServiceError } from '../core/errors.ts';
import { auditLog, loginAttempts } from '../db/schema.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { authenticateStaff, LOGIN_THROTTLE } from './authenticate-staff.ts';
import { createStaff } from './create-staff.ts';
import { disableStaff } from './disable-staff.ts';

const PASSWORD = 'right password 1';
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  const ctx = createTestCtx(database.db);
  for (const username of ['alice', 'bob', 'carol', 'dave', 'erin']) {
    await createStaff(ctx, { username, displayName: username, password: PASSWORD, roles: ['grid_worker'] });
  }
});
afterAll(async () => {
  await database.close();
});

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe('authenticateStaff', () => {
  it('signs in with the right password, recording the attempt and auditing it without the password', async () => {
    const ctx = createTestCtx(database.db);
    const staff = await authenticateStaff(ctx, {
      username: 'Alice',
      password: PASSWORD,
      clientAddress: '203.0.113.9',
    });
    expect(staff).toMatchObject({ username: 'alice', roles: ['grid_worker'] });

    const attempts = await database.db
      .select()
      .from(loginAttempts)
      .where(eq(loginAttempts.username, 'alice'));
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ succeeded: true, sourceHash: ctx.pii.opaqueHash('203.0.113.9') });
    expect(JSON.stringify(attempts)).not.toContain('203.0.113.9');

    const audits = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'staff.login_succeeded'));
    expect(audits).toHaveLength(1);
    expect(audits[0]?.actor).toMatchObject({ type: 'staff', staffId: staff.id });
    expect(JSON.stringify(audits)).not.toContain(PASSWORD);
  });

  it('gives the same error for an unknown user, a wrong password and a disabled account', async () => {
    const ctx = createTestCtx(database.db);
    const unknown = await failure(
      authenticateStaff(ctx, { username: 'nobody', password: PASSWORD, clientAddress: '198.51.100.1' }),
    );
    const wrong = await failure(
      authenticateStaff(ctx, {
        username: 'bob',
        password: 'wrong password 1',
        clientAddress: '198.51.100.1',
      }),
    );
    const erin = createTestCtx(database.db);
    await disableStaff(erin, { username: 'erin' });
    const disabled = await failure(
      authenticateStaff(ctx, { username: 'erin', password: PASSWORD, clientAddress: '198.51.100.1' }),
    );
    for (const error of [unknown, wrong, disabled]) {
      expect({ code: error.code, key: error.messageKey, params: error.params, fields: error.fields }).toEqual(
        {
          code: 'unauthenticated',
          key: 'staff:login.invalid',
          params: {},
          fields: [],
        },
      );
    }
    const failures = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'staff.login_failed'));
    const reasons = failures.map((f) => (f.data as { reason: string }).reason);
    expect(reasons).toEqual(['unknown_user', 'wrong_password', 'disabled']);
    // A mistyped name may be a password: the audit keeps only a keyed hash of unknown names.
    expect(JSON.stringify(failures[0])).not.toContain('nobody');
    expect(JSON.stringify(failures)).not.toContain('wrong password 1');
  });

  it('refuses further attempts for an account after 5 failures in 15 minutes, even with the right password', async () => {
    const clock = new ManualClock('2026-12-01T01:00:00Z');
    const ctx = createTestCtx(database.db, { clock });
    for (let i = 0; i < LOGIN_THROTTLE.maxFailuresPerUsername; i += 1) {
      // Each attempt from a different address: the limit is per account.
      await failure(
        authenticateStaff(ctx, { username: 'carol', password: `guess ${i}`, clientAddress: `192.0.2.${i}` }),
      );
      clock.advance(60_000);
    }
    // The first failure was at 01:00; it is now 01:05, so the block lifts at 01:15.
    const limited = await failure(
      authenticateStaff(ctx, { username: 'carol', password: PASSWORD, clientAddress: '192.0.2.99' }),
    );
    expect(limited.code).toBe('rate_limited');
    expect(limited.messageKey).toBe('staff:login.rateLimited');
    expect(limited.params).toEqual({ retryAfterSeconds: 600, minutes: 10 });

    clock.set('2026-12-01T01:15:01Z');
    await expect(
      authenticateStaff(ctx, { username: 'carol', password: PASSWORD, clientAddress: '192.0.2.99' }),
    ).resolves.toMatchObject({ username: 'carol' });
  });

  it('starts counting an account again after a successful sign-in', async () => {
    const clock = new ManualClock('2026-12-02T01:00:00Z');
    const ctx = createTestCtx(database.db, { clock });
    const attempt = (password: string) =>
      authenticateStaff(ctx, {
        username: 'dave',
        password,
        clientAddress: `192.0.2.${clock.now().getMinutes()}`,
      });
    for (let i = 0; i < 4; i += 1) {
      await failure(attempt('nope nope 1'));
      clock.advance(30_000);
    }
    await attempt(PASSWORD);
    clock.advance(30_000);
    for (let i = 0; i < 4; i += 1) {
      await failure(attempt('nope nope 1'));
      clock.advance(30_000);
    }
    await expect(attempt(PASSWORD)).resolves.toMatchObject({ username: 'dave' });
  });

  it('refuses an address after 20 failures in 15 minutes, across accounts, but not other addresses', async () => {
    const clock = new ManualClock('2026-12-03T01:00:00Z');
    const ctx = createTestCtx(database.db, { clock });
    for (let i = 0; i < LOGIN_THROTTLE.maxFailuresPerSource; i += 1) {
      await failure(
        authenticateStaff(ctx, { username: `spray${i}`, password: 'x', clientAddress: '233.252.0.7' }),
      );
      clock.advance(10_000);
    }
    const limited = await failure(
      authenticateStaff(ctx, { username: 'alice', password: PASSWORD, clientAddress: '233.252.0.7' }),
    );
    expect(limited.code).toBe('rate_limited');
    await expect(
      authenticateStaff(ctx, { username: 'alice', password: PASSWORD, clientAddress: '233.252.0.8' }),
    ).resolves.toMatchObject({ username: 'alice' });
  });

  it('asks for both fields when they are empty', async () => {
    const error = await failure(
      authenticateStaff(createTestCtx(database.db), {
        username: ' ',
        password: '',
        clientAddress: '192.0.2.1',
      }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.fields.map((f) => [f.field, f.key])).toEqual([
      ['username', 'staff:username.required'],
      ['password', 'staff:password.required'],
    ]);
  });
});
