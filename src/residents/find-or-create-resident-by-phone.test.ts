import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDb } from '../core/context.ts';
import { residents } from '../db/schema.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { findOrCreateResidentByPhone } from './find-or-create-resident-by-phone.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.close();
});

describe('findOrCreateResidentByPhone', () => {
  it('creates a resident on first contact, storing the number only encrypted and hashed', async () => {
    const ctx = createTestCtx(database.db);
    const found = await findOrCreateResidentByPhone(ctx, { phone: '13800138001', preferredLocale: 'zh-HK' });
    expect(found?.created).toBe(true);
    const [row] = await database.db.select().from(residents).where(eq(residents.id, found!.resident.id));
    expect(row!.phoneHash).toBe(ctx.pii.phoneHash('+8613800138001'));
    expect(ctx.pii.decryptPhone(row!.phoneCipher!)).toBe('+8613800138001');
    expect(JSON.stringify(row)).not.toContain('13800138001');
    expect(row!.preferredLocale).toBe('zh-HK');
  });

  it('finds the same resident whichever way the number is written', async () => {
    const ctx = createTestCtx(database.db);
    const first = await findOrCreateResidentByPhone(ctx, { phone: '+86 138 0013 8002' });
    for (const spelling of ['13800138002', '+8613800138002', '１３８００１３８００２', '138-0013-8002']) {
      const again = await findOrCreateResidentByPhone(ctx, { phone: spelling });
      expect(again).toMatchObject({ created: false, resident: { id: first!.resident.id } });
    }
  });

  it('returns undefined for something that is not a phone number', async () => {
    const ctx = createTestCtx(database.db);
    expect(await findOrCreateResidentByPhone(ctx, { phone: '12345' })).toBeUndefined();
    expect(await findOrCreateResidentByPhone(ctx, { phone: 'not a number' })).toBeUndefined();
  });

  it('makes one resident when the same new number arrives many times at once', async () => {
    const ctx = createTestCtx(database.db);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        database.db.transaction((tx) =>
          findOrCreateResidentByPhone(withDb(ctx, tx), { phone: '13800138003' }),
        ),
      ),
    );
    const ids = new Set(results.map((r) => r!.resident.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r!.created)).toHaveLength(1);
    const rows = await database.db
      .select()
      .from(residents)
      .where(eq(residents.phoneHash, ctx.pii.phoneHash('+8613800138003')));
    expect(rows).toHaveLength(1);
  });

  it('leaves no resident behind when the surrounding transaction rolls back', async () => {
    const ctx = createTestCtx(database.db);
    await expect(
      database.db.transaction(async (tx) => {
        await findOrCreateResidentByPhone(withDb(ctx, tx), { phone: '13800138004' });
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    const rows = await database.db
      .select()
      .from(residents)
      .where(eq(residents.phoneHash, ctx.pii.phoneHash('+8613800138004')));
    expect(rows).toHaveLength(0);
  });
});
