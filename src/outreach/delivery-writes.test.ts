import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries, pendingPrompts } from '../db/schema.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { batched, batchedDeliveryWrites } from './delivery-writes.ts';
import { insertResidents, insertTopic, recordingSender } from './outreach-test-kit.ts';
import { queueOutboundMessage } from './queue-outbound-message.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('batched', () => {
  it('runs the calls of one turn of the event loop together and answers each caller', async () => {
    const runs: number[][] = [];
    const double = batched(async (xs: number[]) => {
      runs.push(xs);
      return xs.map((x) => x * 2);
    }, 3);
    const answers = await Promise.all([1, 2, 3, 4, 5].map((x) => double(x)));
    expect(answers).toEqual([2, 4, 6, 8, 10]);
    expect(runs).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(await double(7)).toBe(14);
  });

  it('fails every caller of a batch that fails', async () => {
    const broken = batched(async (_xs: number[]): Promise<number[]> => {
      throw new Error('database down');
    }, 10);
    const results = await Promise.allSettled([broken(1), broken(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('batchedDeliveryWrites', () => {
  it('claims many deliveries in one go, each caller getting its own row or nothing', async () => {
    const ctx = createTestCtx(database.db);
    const ids = await insertResidents(ctx, [{}, {}, {}]);
    const rows = await Promise.all(
      ids.map((residentId, i) =>
        queueOutboundMessage(
          ctx,
          { channel: 'sms', residentId, locale: 'zh-CN', body: `第${i}条`, purpose: `writes:${i}` },
          { sms: recordingSender() },
        ),
      ),
    );
    await database.db
      .update(deliveries)
      .set({ status: 'sent' })
      .where(eq(deliveries.id, rows[2]?.id ?? ''));
    const writes = batchedDeliveryWrites(database.db);
    const now = ctx.clock.now();
    const claimed = await Promise.all(rows.map((r) => writes.claim(r.id, now)));
    expect(claimed.map((c) => c?.body)).toEqual(['第0条', '第1条', undefined]);
    expect(claimed[0]).toMatchObject({
      previous_status: 'queued',
      possible_duplicate: false,
      opted_out: false,
    });
    await Promise.all(claimed.slice(0, 2).map((c, i) => writes.markSent(c?.id ?? '', `SM${i}`, now)));
    const after = await database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.id, rows[1]?.id ?? ''));
    expect(after[0]).toMatchObject({
      status: 'sent',
      providerId: 'SM1',
      attempts: 1,
      sendingAt: now,
      sentAt: now,
    });
  });

  it('keeps the later of two prompts for the same resident in one batch', async () => {
    const ctx = createTestCtx(database.db);
    const [residentId] = await insertResidents(ctx, [{}]);
    const first = await insertTopic(database.db);
    const second = await insertTopic(database.db);
    const writes = batchedDeliveryWrites(database.db);
    const expiresAt = new Date('2026-12-04T02:00:00Z');
    const base = {
      residentId: residentId ?? '',
      channel: 'sms' as const,
      kind: 'topic_notice' as const,
      expiresAt,
    };
    await Promise.all([
      writes.rememberPrompt({ ...base, topicId: first.id }, ctx.clock.now()),
      writes.rememberPrompt({ ...base, topicId: second.id }, ctx.clock.now()),
    ]);
    const prompts = await database.db
      .select()
      .from(pendingPrompts)
      .where(eq(pendingPrompts.residentId, residentId ?? ''));
    expect(prompts).toMatchObject([
      { topicId: second.id, kind: 'topic_notice', clarified: false, expiresAt },
    ]);
  });
});
