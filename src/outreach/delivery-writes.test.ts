import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries, pendingPrompts } from '../db/schema.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { batchedDeliveryWrites } from './delivery-writes.ts';
import { insertResidents, insertTopic, recordingSender } from './outreach-test-kit.ts';
import { queueOutboundMessage } from './queue-outbound-message.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
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
