import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries, residents } from '../db/schema.ts';
import { findOrCreateResidentByPhone } from '../residents/find-or-create-resident-by-phone.ts';
import { setChannelOptOut } from '../residents/set-channel-opt-out.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { queueOutboundMessage } from './queue-outbound-message.ts';
import { sendOutboxMessage } from './send-outbox-message.ts';
import type { MessageSender, OutboundMessage, SendResult } from './sender.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

/** Stands in for a provider at the edge: records what it was asked to send and answers as told. */
function recordingSender(answer: SendResult = { ok: true, providerId: 'SM0001' }) {
  const sent: OutboundMessage[] = [];
  const sender: MessageSender & { sent: OutboundMessage[] } = {
    sent,
    async send(message) {
      sent.push(message);
      return answer;
    },
  };
  return sender;
}

let counter = 0;
async function queued(sender: MessageSender, options: { now?: string } = {}) {
  counter += 1;
  const ctx = createTestCtx(database.db, options.now ? { now: options.now } : {});
  const phone = `1390000${String(counter).padStart(4, '0')}`;
  const found = await findOrCreateResidentByPhone(ctx, { phone });
  if (!found) throw new Error('test phone number rejected');
  const row = await queueOutboundMessage(
    ctx,
    {
      channel: 'sms',
      residentId: found.resident.id,
      locale: 'zh-CN',
      body: '会议通知',
      purpose: `send-test:${counter}`,
    },
    { sms: sender },
  );
  return { ctx, row, phone: `+86${phone}` };
}

async function stored(id: string) {
  const [row] = await database.db.select().from(deliveries).where(eq(deliveries.id, id));
  return row;
}

describe('sendOutboxMessage', () => {
  it('sends through the channel sender with the decrypted destination and marks the row sent', async () => {
    const sender = recordingSender();
    const { ctx, row, phone } = await queued(sender);
    const result = await sendOutboxMessage(ctx, { outboxId: row.id }, { sms: sender });
    expect(result).toEqual({ outcome: 'sent', providerId: 'SM0001' });
    expect(sender.sent).toEqual([
      {
        outboxId: row.id,
        channel: 'sms',
        residentId: row.residentId,
        locale: 'zh-CN',
        body: '会议通知',
        to: phone,
      },
    ]);
    expect(await stored(row.id)).toMatchObject({ status: 'sent', providerId: 'SM0001', error: null });
  });

  it('does not send a message twice', async () => {
    const sender = recordingSender();
    const { ctx, row } = await queued(sender);
    await sendOutboxMessage(ctx, { outboxId: row.id }, { sms: sender });
    const again = await sendOutboxMessage(ctx, { outboxId: row.id }, { sms: sender });
    expect(again).toEqual({ outcome: 'skipped', status: 'sent' });
    expect(sender.sent).toHaveLength(1);
  });

  it('holds a queued message in the local outbox when the sender is gone, without sending', async () => {
    const sender = recordingSender();
    const { ctx, row } = await queued(sender);
    expect(await sendOutboxMessage(ctx, { outboxId: row.id }, {})).toEqual({ outcome: 'held' });
    expect((await stored(row.id))?.status).toBe('held_no_credentials');
    expect(sender.sent).toHaveLength(0);
  });

  it('fails without sending when the resident opted out after the message was queued', async () => {
    const sender = recordingSender();
    const { ctx, row } = await queued(sender);
    await setChannelOptOut(ctx, {
      residentId: row.residentId,
      channel: 'sms',
      optedOut: true,
      reason: 'reply:TD',
    });
    expect(await sendOutboxMessage(ctx, { outboxId: row.id }, { sms: sender })).toEqual({
      outcome: 'failed',
      error: 'opted_out',
    });
    expect(sender.sent).toHaveLength(0);
    expect(await stored(row.id)).toMatchObject({ status: 'failed', error: 'opted_out' });
  });

  it('fails without sending when the resident has no phone number', async () => {
    const sender = recordingSender();
    const { ctx, row } = await queued(sender);
    await database.db
      .update(residents)
      .set({ phoneCipher: null, phoneHash: null })
      .where(eq(residents.id, row.residentId));
    expect(await sendOutboxMessage(ctx, { outboxId: row.id }, { sms: sender })).toEqual({
      outcome: 'failed',
      error: 'no_phone',
    });
    expect(sender.sent).toHaveLength(0);
  });

  it('defers a message during the resident’s quiet hours until they end', async () => {
    const sender = recordingSender();
    // 22:30 in Shanghai; default quiet hours are 21:00–08:00.
    const { ctx, row } = await queued(sender, { now: '2026-11-27T14:30:00Z' });
    expect(await sendOutboxMessage(ctx, { outboxId: row.id }, { sms: sender })).toEqual({
      outcome: 'deferred',
      until: new Date('2026-11-28T00:00:00Z'),
    });
    expect(sender.sent).toHaveLength(0);
    expect((await stored(row.id))?.status).toBe('queued');
    ctx.clock.set('2026-11-28T00:00:00Z');
    expect((await sendOutboxMessage(ctx, { outboxId: row.id }, { sms: sender })).outcome).toBe('sent');
  });

  it('keeps a transiently failed message queued for retry, and fails it on the last attempt', async () => {
    const sender = recordingSender({ ok: false, permanent: false, error: 'http_503' });
    const { ctx, row } = await queued(sender);
    expect(await sendOutboxMessage(ctx, { outboxId: row.id }, { sms: sender })).toEqual({
      outcome: 'retry',
      error: 'http_503',
    });
    expect(await stored(row.id)).toMatchObject({ status: 'queued', error: 'http_503' });
    expect(await sendOutboxMessage(ctx, { outboxId: row.id, finalAttempt: true }, { sms: sender })).toEqual({
      outcome: 'failed',
      error: 'http_503',
    });
    expect((await stored(row.id))?.status).toBe('failed');
  });

  it('fails a permanent provider error at once', async () => {
    const sender = recordingSender({ ok: false, permanent: true, error: '21211' });
    const { ctx, row } = await queued(sender);
    expect(await sendOutboxMessage(ctx, { outboxId: row.id }, { sms: sender })).toEqual({
      outcome: 'failed',
      error: '21211',
    });
  });

  it('reports a message that does not exist (yet) as missing', async () => {
    const ctx = createTestCtx(database.db);
    expect(
      await sendOutboxMessage(
        ctx,
        { outboxId: '00000000-0000-4000-8000-000000000001' },
        { sms: recordingSender() },
      ),
    ).toEqual({ outcome: 'missing' });
  });
});
