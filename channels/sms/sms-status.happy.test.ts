import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { auditLog } from '../../src/db/schema.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import {
  createSmsDelivery,
  deliveryRow,
  postStatus,
  smsOptOutRow,
  statusCallbackParams,
  statusCallbackPath,
} from './sms-status-test-kit.ts';
import { postSignedWebhook, twilioTestEnv } from './twilio-test-kit.ts';

let database: TestDatabase;
let deps: TestAppDeps;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = createTestAppDeps(database, { env: twilioTestEnv() });
  app = createApp(deps);
});

afterAll(async () => {
  await deps?.close();
  await database?.close();
});

describe('POST /channels/sms/status', () => {
  it('moves a sent delivery to delivered and marks it finished', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });

    const response = await postStatus(app, fixture, 'delivered');

    expect(response.status).toBe(204);
    const row = await deliveryRow(deps, fixture.deliveryId);
    expect(row.status).toBe('delivered');
    expect(row.finishedAt).not.toBeNull();
    expect(row.error).toBeNull();
  });

  it('walks the whole ladder when the callbacks come in order', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'queued' });

    const seen: string[] = [];
    for (const status of ['sending', 'sent', 'delivered']) {
      expect((await postStatus(app, fixture, status)).status).toBe(204);
      seen.push((await deliveryRow(deps, fixture.deliveryId)).status);
    }

    expect(seen).toEqual(['sending', 'sent', 'delivered']);
  });

  it('never moves a delivery back when callbacks arrive out of order', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });

    expect((await postStatus(app, fixture, 'delivered')).status).toBe(204);
    expect((await postStatus(app, fixture, 'sent')).status).toBe(204);
    expect((await postStatus(app, fixture, 'sending')).status).toBe(204);

    expect((await deliveryRow(deps, fixture.deliveryId)).status).toBe('delivered');
  });

  it('records why a message was not delivered', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });

    const response = await postStatus(app, fixture, 'undelivered', { errorCode: '30003' });

    expect(response.status).toBe(204);
    const row = await deliveryRow(deps, fixture.deliveryId);
    expect(row.status).toBe('undelivered');
    expect(row.error).toBe('30003');
  });

  it('opts the resident out of SMS when Twilio reports 21610, with an audit entry', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });

    const response = await postStatus(app, fixture, 'failed', { errorCode: '21610' });

    expect(response.status).toBe(204);
    expect((await deliveryRow(deps, fixture.deliveryId)).status).toBe('failed');
    const optOut = await smsOptOutRow(deps, fixture.residentId);
    expect(optOut).toMatchObject({ channel: 'sms', optedOut: true, reason: 'provider:21610' });
    const audit = await deps.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, fixture.residentId), eq(auditLog.action, 'resident.opt_out')));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(fixture.phone.slice(3));
  });

  it('finds the delivery by MessageSid when the callback URL carries no delivery id', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });

    const response = await postStatus(app, fixture, 'delivered', { deliveryId: null });

    expect(response.status).toBe(204);
    expect((await deliveryRow(deps, fixture.deliveryId)).status).toBe('delivered');
  });

  it('acknowledges a callback for an unknown delivery with 200 so that Twilio stops', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });

    const response = await postStatus(app, fixture, 'delivered', { deliveryId: randomUUID() });

    expect(response.status).toBe(200);
    expect((await deliveryRow(deps, fixture.deliveryId)).status).toBe('sent');
  });

  it('acknowledges statuses that precede what the delivery already is without changing it', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });

    for (const status of ['accepted', 'queued', 'scheduled']) {
      expect((await postStatus(app, fixture, status)).status).toBe(204);
    }

    expect((await deliveryRow(deps, fixture.deliveryId)).status).toBe('sent');
  });

  it('accepts parameters it does not know, as long as they are signed', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });

    const response = await postSignedWebhook(app, {
      path: statusCallbackPath(fixture.deliveryId),
      params: statusCallbackParams({
        fixture,
        status: 'delivered',
        extra: { RawDlrDoneDate: '2611271005', ChannelToAddress: '+86139XXXXX', NewTwilioField: 'x' },
      }),
    });

    expect(response.status).toBe(204);
    expect((await deliveryRow(deps, fixture.deliveryId)).status).toBe('delivered');
  });
});
