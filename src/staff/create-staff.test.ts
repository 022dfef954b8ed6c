import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../core/errors.ts';
import { auditLog, staff } from '../db/schema.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { createStaff } from './create-staff.ts';
import { disableStaff } from './disable-staff.ts';
import { listStaff } from './list-staff.ts';
import { verifyAuditChain } from './verify-audit-chain.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe('createStaff', () => {
  it('creates an account with a hashed password and an audit entry without the password', async () => {
    const ctx = createTestCtx(database.db);
    const created = await createStaff(ctx, {
      username: '  Li.Ming ',
      displayName: '李明',
      password: 'long enough 1234',
      roles: ['community_secretary', 'community_secretary', 'supervisor'],
      communityIds: ['7d3f1c1e-2b8a-4a55-9f3e-0c6a1b2c3d4e'],
      department: '街道办',
    });
    expect(created).toMatchObject({
      username: 'li.ming',
      displayName: '李明',
      roles: ['community_secretary', 'supervisor'],
      communityIds: ['7d3f1c1e-2b8a-4a55-9f3e-0c6a1b2c3d4e'],
      department: '街道办',
      active: true,
    });
    expect(created).not.toHaveProperty('passwordHash');
    const [row] = await database.db.select().from(staff).where(eq(staff.id, created.id));
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);

    const audits = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, created.id));
    expect(audits.map((a) => a.action)).toEqual(['staff.created']);
    expect(JSON.stringify(audits[0]?.data)).not.toContain('long enough 1234');
    expect(JSON.stringify(audits[0]?.data)).not.toContain('argon2');
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('refuses a username that is already taken, whatever its case', async () => {
    const ctx = createTestCtx(database.db);
    await createStaff(ctx, {
      username: 'wang',
      displayName: '王',
      password: 'long enough 1234',
      roles: ['admin'],
    });
    const error = await rejection(
      createStaff(ctx, {
        username: 'WANG',
        displayName: '王二',
        password: 'long enough 1234',
        roles: ['admin'],
      }),
    );
    expect(error.code).toBe('conflict');
    expect(error.fields).toEqual([
      { field: 'username', key: 'staff:username.taken', params: { username: 'wang' } },
    ]);
  });

  it('reports every invalid field with an i18n key', async () => {
    const ctx = createTestCtx(database.db);
    const error = await rejection(
      createStaff(ctx, {
        username: 'x',
        displayName: ' ',
        password: 'short',
        roles: [],
        communityIds: ['not-a-uuid'],
      }),
    );
    expect(error.code).toBe('validation_failed');
    const byField = Object.fromEntries(error.fields.map((f) => [f.field, f.key]));
    expect(byField).toEqual({
      username: 'staff:username.tooShort',
      displayName: 'staff:displayName.required',
      password: 'staff:password.tooShort',
      roles: 'staff:roles.required',
      'communityIds.0': 'staff:communityIds.format',
    });
    expect(error.fields.find((f) => f.field === 'password')?.params).toEqual({ minimum: 12 });
  });

  it('refuses roles outside the closed list', async () => {
    const ctx = createTestCtx(database.db);
    const error = await rejection(
      createStaff(ctx, {
        username: 'zhao',
        displayName: '赵',
        password: 'long enough 1234',
        roles: ['root' as 'admin'],
      }),
    );
    expect(error.fields[0]).toMatchObject({ field: 'roles.0', key: 'staff:roles.unknown' });
  });

  it('lets admins create staff but not other staff roles', async () => {
    const asSecretary = createTestCtx(database.db, {
      actor: {
        type: 'staff',
        staffId: '00000000-0000-4000-8000-000000000001',
        roles: ['community_secretary'],
      },
    });
    const error = await rejection(
      createStaff(asSecretary, {
        username: 'sun',
        displayName: '孙',
        password: 'long enough 1234',
        roles: ['admin'],
      }),
    );
    expect(error.code).toBe('forbidden');
    const asAdmin = createTestCtx(database.db, {
      actor: { type: 'staff', staffId: '00000000-0000-4000-8000-000000000001', roles: ['admin'] },
    });
    await expect(
      createStaff(asAdmin, {
        username: 'sun',
        displayName: '孙',
        password: 'long enough 1234',
        roles: ['grid_worker'],
      }),
    ).resolves.toMatchObject({ username: 'sun' });
  });
});

describe('listStaff and disableStaff', () => {
  it('lists accounts by username and disables one, audited', async () => {
    const ctx = createTestCtx(database.db);
    await createStaff(ctx, {
      username: 'zz-last',
      displayName: 'Z',
      password: 'long enough 1234',
      roles: ['admin'],
    });
    const names = (await listStaff(ctx)).map((s) => s.username);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('zz-last');

    const disabled = await disableStaff(ctx, { username: 'ZZ-Last' });
    expect(disabled.active).toBe(false);
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, disabled.id));
    expect(audits.map((a) => a.action)).toEqual(['staff.created', 'staff.disabled']);
  });

  it('says which username does not exist', async () => {
    const error = await rejection(disableStaff(createTestCtx(database.db), { username: 'nobody-here' }));
    expect(error.code).toBe('not_found');
    expect(error.params).toEqual({ username: 'nobody-here' });
  });
});
