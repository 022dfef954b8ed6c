import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeliveryStatus, deliveries } from '../db/schema.ts';
import { isOptedOut } from '../residents/is-opted-out.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { insertResidents, recordingSender } from './outreach-test-kit.ts';
import { queueOutboundMessage } from './queue-outbound-message.ts';
import { recordDeliveryStatus } from './record-delivery-status.ts';
import { sendDelivery } from './send-delivery.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

let n = 0;
/** A delivery the worker has handed to the provider (status `sent`, provider id known). */
async function sentDelivery() {
  n += 1;
  const ctx = createTestCtx(database.db);
  const sms = recordingSender({ ok: true, providerId: `SMstatus${n}` });
  const [residentId] = await insertResidents(ctx, [{}]);
  const row = await queueOutboundMessage(
    ctx,
    {
      channel: 'sms',
      residentId: residentId ?? '',
      locale: 'zh-CN',
      body: '通知',
      purpose: `status-test:${n}`,
    },
    { sms },
  );
  const sent = await sendDelivery(ctx, { deliveryId: row.id }, { senders: { sms } });
  if (sent.outcome !== 'sent') throw new Error(`not sent: ${sent.outcome}`);
  return { ctx, id: row.id, providerId: sent.providerId, residentId: residentId ?? '' };
}

async function statusOf(id: string) {
  const [row] = await database.db.select().from(deliveries).where(eq(deliveries.id, id));
  return row;
}

describe('recordDeliveryStatus', () => {
  it('moves a delivery forward: sent → delivered, with the time it finished', async () => {
    const { ctx, id } = await sentDelivery();
    ctx.clock.advance(5_000);
    expect(await recordDeliveryStatus(ctx, { deliveryId: id, status: 'delivered' })).toEqual({
      outcome: 'updated',
      deliveryId: id,
      from: 'sent',
      status: 'delivered',
    });
    expect(await statusOf(id)).toMatchObject({ status: 'delivered', finishedAt: ctx.clock.now() });
  });

  it('never moves backwards, whatever order the callbacks arrive in', async () => {
    const { ctx, id, providerId } = await sentDelivery();
    const order: DeliveryStatus[] = [
      'delivered',
      'sent',
      'sending',
      'queued',
      'sent',
      'undelivered',
      'failed',
    ];
    const outcomes = [];
    for (const status of order)
      outcomes.push((await recordDeliveryStatus(ctx, { providerId, status })).outcome);
    expect(outcomes).toEqual([
      'updated',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect((await statusOf(id))?.status).toBe('delivered');
  });

  it('lands on the same final status for every arrival order of sending, sent and delivered', async () => {
    const orders: DeliveryStatus[][] = [
      ['sending', 'sent', 'delivered'],
      ['delivered', 'sending', 'sent'],
      ['sent', 'delivered', 'sending'],
      ['delivered', 'sent', 'sending'],
    ];
    for (const order of orders) {
      const { ctx, id } = await sentDelivery();
      await Promise.all(order.map((status) => recordDeliveryStatus(ctx, { deliveryId: id, status })));
      expect((await statusOf(id))?.status, order.join(' ')).toBe('delivered');
    }
  });

  it('records the carrier’s error code on an undelivered message', async () => {
    const { ctx, id } = await sentDelivery();
    await recordDeliveryStatus(ctx, { deliveryId: id, status: 'undelivered', errorCode: '30003' });
    expect(await statusOf(id)).toMatchObject({ status: 'undelivered', error: '30003' });
  });

  it('opts the resident out on 21610, even when the callback comes too late to change the status', async () => {
    const first = await sentDelivery();
    await recordDeliveryStatus(first.ctx, { deliveryId: first.id, status: 'failed', errorCode: '21610' });
    expect(await isOptedOut(first.ctx, { residentId: first.residentId, channel: 'sms' })).toBe(true);

    const late = await sentDelivery();
    await recordDeliveryStatus(late.ctx, { deliveryId: late.id, status: 'delivered' });
    expect(
      await recordDeliveryStatus(late.ctx, { deliveryId: late.id, status: 'failed', errorCode: '21610' }),
    ).toMatchObject({ outcome: 'unchanged' });
    expect(await isOptedOut(late.ctx, { residentId: late.residentId, channel: 'sms' })).toBe(true);
  });

  it('finds a delivery by the provider’s id when the callback names no delivery, and reports unknown ones', async () => {
    const { ctx, id, providerId } = await sentDelivery();
    expect((await recordDeliveryStatus(ctx, { providerId, status: 'delivered' })).outcome).toBe('updated');
    expect((await statusOf(id))?.status).toBe('delivered');
    expect(await recordDeliveryStatus(ctx, { providerId: 'SMnobody', status: 'delivered' })).toEqual({
      outcome: 'not_found',
    });
  });

  it('accepts a callback that beats the worker: `sent` while the delivery is still `sending`', async () => {
    const { ctx, id } = await sentDelivery();
    await database.db
      .update(deliveries)
      .set({ status: 'sending', providerId: null })
      .where(eq(deliveries.id, id));
    await recordDeliveryStatus(ctx, { deliveryId: id, providerId: 'SMraced', status: 'sent' });
    expect(await statusOf(id)).toMatchObject({ status: 'sent', providerId: 'SMraced' });
  });

  it('never touches a delivery that was not sent (held, skipped, routed to a visit)', async () => {
    const { ctx, id } = await sentDelivery();
    await database.db.update(deliveries).set({ status: 'held_no_credentials' }).where(eq(deliveries.id, id));
    expect((await recordDeliveryStatus(ctx, { deliveryId: id, status: 'delivered' })).outcome).toBe(
      'unchanged',
    );
    expect((await statusOf(id))?.status).toBe('held_no_credentials');
  });

  it('refuses a callback naming neither a delivery nor a provider id', async () => {
    const ctx = createTestCtx(database.db);
    await expect(recordDeliveryStatus(ctx, { status: 'sent' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });
});
