import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { consumeRateLimit } from './consume-rate-limit.ts';

let database: TestDatabase;
let redis: Redis;

beforeAll(async () => {
  database = await createTestDatabase();
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await redis.quit();
  await database.close();
});

describe('consumeRateLimit', () => {
  it('allows up to the limit in a window, then says how long to wait', async () => {
    const ctx = createTestCtx(database.db);
    const bucket = `test:${randomUUID()}`;
    const rule = { bucket, subject: '198.51.100.7', limit: 3, windowSeconds: 600 };
    const decisions = [];
    for (let i = 0; i < 4; i += 1) decisions.push(await consumeRateLimit(ctx, rule, redis));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]!.count).toBe(4);
    expect(decisions[3]!.retryAfterSeconds).toBeGreaterThan(0);
    expect(decisions[3]!.retryAfterSeconds).toBeLessThanOrEqual(600);
  });

  it('counts each subject and each bucket separately', async () => {
    const ctx = createTestCtx(database.db);
    const bucket = `test:${randomUUID()}`;
    await consumeRateLimit(ctx, { bucket, subject: 'a', limit: 1, windowSeconds: 60 }, redis);
    expect(
      (await consumeRateLimit(ctx, { bucket, subject: 'b', limit: 1, windowSeconds: 60 }, redis)).allowed,
    ).toBe(true);
    expect(
      (
        await consumeRateLimit(
          ctx,
          { bucket: `${bucket}:other`, subject: 'a', limit: 1, windowSeconds: 60 },
          redis,
        )
      ).allowed,
    ).toBe(true);
    expect(
      (await consumeRateLimit(ctx, { bucket, subject: 'a', limit: 1, windowSeconds: 60 }, redis)).allowed,
    ).toBe(false);
  });

  it('keeps the subject only as a keyed hash, with the window as the key’s lifetime', async () => {
    const ctx = createTestCtx(database.db);
    const bucket = `test:${randomUUID()}`;
    await consumeRateLimit(ctx, { bucket, subject: '+8613800138000', limit: 5, windowSeconds: 120 }, redis);
    const keys = await redis.keys(`ratelimit:${bucket}:*`);
    expect(keys).toEqual([`ratelimit:${bucket}:${ctx.pii.opaqueHash('+8613800138000')}`]);
    expect(keys[0]).not.toContain('13800138000');
    const ttl = await redis.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('lets requests through when the counter store cannot be reached', async () => {
    const ctx = createTestCtx(database.db);
    const unreachable = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
    });
    try {
      const decision = await consumeRateLimit(
        ctx,
        { bucket: 'test:down', subject: 'x', limit: 1, windowSeconds: 60 },
        unreachable,
      );
      expect(decision.allowed).toBe(true);
    } finally {
      unreachable.disconnect();
    }
  });
});
