import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../core/errors.ts';
import { deliveries } from '../db/schema.ts';
import { findOrCreateResidentByPhone } from '../residents/find-or-create-resident-by-phone.ts';
import { setChannelOptOut } from '../residents/set-channel-opt-out.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { listOutboxMessages } from './list-outbox-messages.ts';
import { queueOutboundMessage } from './queue-outbound-message.ts';
import type { Senders } from './sender.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const smsSender: Senders = {
  sms: { send: async () => ({ ok: true, providerId: 'never-called-here' }) },
};

async function resident(phone: string) {
  const ctx = createTestCtx(database.db);
  const found = await findOrCreateResidentByPhone(ctx, { phone });
  if (!found) throw new Error('test phone number rejected');
  return found.resident.id;
}

describe('queueOutboundMessage', () => {
  it('holds the message in the local outbox when no sender is configured, never marking it sent', async () => {
    const ctx = createTestCtx(database.db);
    const residentId = await resident('13800000001');
    const row = await queueOutboundMessage(
      ctx,
      { channel: 'sms', residentId, locale: 'zh-CN', body: '您的意见已记录。', purpose: 'test:held:1' },
      undefined,
    );
    expect(row.status).toBe('held_no_credentials');
    expect(row.providerId).toBeNull();
    const held = await listOutboxMessages(ctx, { status: 'held_no_credentials' });
    expect(held.map((m) => m.id)).toContain(row.id);
    expect(await listOutboxMessages(ctx, { status: 'sent' })).toEqual([]);
  });

  it('holds a voice message when only an SMS sender exists', async () => {
    const ctx = createTestCtx(database.db);
    const residentId = await resident('13800000002');
    const row = await queueOutboundMessage(
      ctx,
      { channel: 'voice', residentId, locale: 'zh-HK', body: '多謝您嘅意見。', purpose: 'test:held:voice' },
      smsSender,
    );
    expect(row.status).toBe('held_no_credentials');
  });

  it('queues the message when the channel has a sender', async () => {
    const ctx = createTestCtx(database.db);
    const residentId = await resident('13800000003');
    const row = await queueOutboundMessage(
      ctx,
      { channel: 'sms', residentId, locale: 'en', body: 'Thank you.', purpose: 'test:queued:1' },
      smsSender,
    );
    expect(row).toMatchObject({
      status: 'queued',
      channel: 'sms',
      residentId,
      locale: 'en',
      body: 'Thank you.',
    });
    expect(row.createdAt.toISOString()).toBe(ctx.clock.now().toISOString());
  });

  it('is idempotent by purpose: a repeat returns the first row and adds nothing', async () => {
    const ctx = createTestCtx(database.db);
    const residentId = await resident('13800000004');
    const input = { channel: 'sms' as const, residentId, locale: 'zh-CN' as const, purpose: 'test:once' };
    const first = await queueOutboundMessage(ctx, { ...input, body: '第一次' }, smsSender);
    const again = await queueOutboundMessage(ctx, { ...input, body: '第二次' }, undefined);
    expect(again).toEqual(first);
    const rows = await database.db.select().from(deliveries).where(eq(deliveries.purpose, 'test:once'));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.body).toBe('第一次');
  });

  it('yields one row when the same purpose is queued concurrently', async () => {
    const ctx = createTestCtx(database.db);
    const residentId = await resident('13800000005');
    const input = {
      channel: 'sms' as const,
      residentId,
      locale: 'zh-CN' as const,
      body: '并发',
      purpose: 'test:race',
    };
    const rows = await Promise.all(
      Array.from({ length: 5 }, () => queueOutboundMessage(ctx, input, smsSender)),
    );
    expect(new Set(rows.map((r) => r.id)).size).toBe(1);
  });

  it('records a message for an opted-out resident as failed with opted_out, so it is never sent', async () => {
    const ctx = createTestCtx(database.db);
    const residentId = await resident('13800000006');
    await setChannelOptOut(ctx, { residentId, channel: 'sms', optedOut: true, reason: 'reply:TD' });
    const row = await queueOutboundMessage(
      ctx,
      { channel: 'sms', residentId, locale: 'zh-CN', body: '通知', purpose: 'test:opted-out' },
      smsSender,
    );
    expect(row).toMatchObject({ status: 'failed', error: 'opted_out' });
  });

  it('refuses an unknown resident with not_found', async () => {
    const ctx = createTestCtx(database.db);
    const attempt = queueOutboundMessage(
      ctx,
      {
        channel: 'sms',
        residentId: '00000000-0000-4000-8000-000000000000',
        locale: 'zh-CN',
        body: 'x',
        purpose: 'test:nobody',
      },
      smsSender,
    );
    await expect(attempt).rejects.toBeInstanceOf(ServiceError);
    await expect(attempt).rejects.toMatchObject({ code: 'not_found' });
  });
});
