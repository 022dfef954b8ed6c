import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, residentOptOuts, residents } from '../db/schema.ts';
import { verifyAuditChain } from '../staff/verify-audit-chain.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { isOptedOut } from './is-opted-out.ts';
import { setChannelOptOut } from './set-channel-opt-out.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.close();
});

async function newResident(): Promise<string> {
  const [row] = await database.db.insert(residents).values({}).returning({ id: residents.id });
  return row!.id;
}

async function auditFor(residentId: string) {
  return database.db.select().from(auditLog).where(eq(auditLog.subjectId, residentId)).orderBy(auditLog.seq);
}

describe('setChannelOptOut and isOptedOut', () => {
  it('treats a resident with no record as opted in', async () => {
    const ctx = createTestCtx(database.db);
    const residentId = await newResident();
    expect(await isOptedOut(ctx, { residentId, channel: 'sms' })).toBe(false);
  });

  it('opts out of one channel only, with an audit entry', async () => {
    const ctx = createTestCtx(database.db);
    const residentId = await newResident();
    expect(
      await setChannelOptOut(ctx, { residentId, channel: 'sms', optedOut: true, reason: 'reply:TD' }),
    ).toEqual({
      changed: true,
    });
    expect(await isOptedOut(ctx, { residentId, channel: 'sms' })).toBe(true);
    expect(await isOptedOut(ctx, { residentId, channel: 'voice' })).toBe(false);
    const audit = await auditFor(residentId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'resident.opt_out',
      subjectType: 'resident',
      data: { channel: 'sms', reason: 'reply:TD' },
    });
  });

  it('changes nothing and audits nothing when the state is already as asked', async () => {
    const ctx = createTestCtx(database.db);
    const residentId = await newResident();
    expect(
      await setChannelOptOut(ctx, { residentId, channel: 'voice', optedOut: false, reason: 'reply:START' }),
    ).toEqual({ changed: false });
    await setChannelOptOut(ctx, { residentId, channel: 'voice', optedOut: true, reason: 'staff' });
    expect(
      await setChannelOptOut(ctx, { residentId, channel: 'voice', optedOut: true, reason: 'staff' }),
    ).toEqual({ changed: false });
    expect(await auditFor(residentId)).toHaveLength(1);
  });

  it('opts back in, keeping the reason for the last change', async () => {
    const ctx = createTestCtx(database.db);
    const residentId = await newResident();
    await setChannelOptOut(ctx, { residentId, channel: 'sms', optedOut: true, reason: 'reply:TD' });
    ctx.clock.advance(60_000);
    expect(
      await setChannelOptOut(ctx, { residentId, channel: 'sms', optedOut: false, reason: 'reply:START' }),
    ).toEqual({ changed: true });
    expect(await isOptedOut(ctx, { residentId, channel: 'sms' })).toBe(false);
    const [row] = await database.db
      .select()
      .from(residentOptOuts)
      .where(and(eq(residentOptOuts.residentId, residentId), eq(residentOptOuts.channel, 'sms')));
    expect(row).toMatchObject({ optedOut: false, reason: 'reply:START', changedAt: ctx.clock.now() });
    expect((await auditFor(residentId)).map((a) => a.action)).toEqual([
      'resident.opt_out',
      'resident.opt_in',
    ]);
  });

  it('reports one change when the same opt-out arrives many times at once', async () => {
    const ctx = createTestCtx(database.db);
    const residentId = await newResident();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        setChannelOptOut(ctx, { residentId, channel: 'sms', optedOut: true, reason: 'reply:TD' }),
      ),
    );
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(await auditFor(residentId)).toHaveLength(1);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('rejects a channel that cannot be opted out of', async () => {
    const ctx = createTestCtx(database.db);
    const residentId = await newResident();
    await expect(
      setChannelOptOut(ctx, {
        residentId,
        channel: 'kiosk' as 'sms',
        optedOut: true,
        reason: 'x',
      }),
    ).rejects.toThrow();
  });
});
