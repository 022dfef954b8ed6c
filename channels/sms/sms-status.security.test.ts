import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import {
  createSmsDelivery,
  deliveryRow,
  smsOptOutRow,
  statusCallbackParams,
  statusCallbackPath,
} from './sms-status-test-kit.ts';
import {
  postSignedWebhook,
  TEST_INTERNAL_ORIGIN,
  TEST_PUBLIC_BASE_URL,
  twilioSignature,
  twilioTestEnv,
} from './twilio-test-kit.ts';

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

describe('POST /channels/sms/status refuses what Twilio did not sign', () => {
  it('refuses a callback signed with another auth token (403) and changes nothing', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });

    const response = await postSignedWebhook(app, {
      path: statusCallbackPath(fixture.deliveryId),
      params: statusCallbackParams({ fixture, status: 'failed', errorCode: '21610' }),
      authToken: 'not-the-real-token',
    });

    expect(response.status).toBe(403);
    expect((await deliveryRow(deps, fixture.deliveryId)).status).toBe('sent');
    expect(await smsOptOutRow(deps, fixture.residentId)).toBeUndefined();
  });

  it('refuses a callback without a signature (403)', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });

    const response = await postSignedWebhook(app, {
      path: statusCallbackPath(fixture.deliveryId),
      params: statusCallbackParams({ fixture, status: 'delivered' }),
      signature: null,
    });

    expect(response.status).toBe(403);
    expect((await deliveryRow(deps, fixture.deliveryId)).status).toBe('sent');
  });

  it('refuses a genuine signature replayed against another delivery id', async () => {
    const signedFor = await createSmsDelivery(deps, { status: 'sent' });
    const target = await createSmsDelivery(deps, { status: 'sent' });
    const params = statusCallbackParams({ fixture: target, status: 'failed', errorCode: '21610' });
    const signature = twilioSignature(
      `${TEST_PUBLIC_BASE_URL}${statusCallbackPath(signedFor.deliveryId)}`,
      params,
    );

    const response = await postSignedWebhook(app, {
      path: statusCallbackPath(target.deliveryId),
      params,
      signature,
    });

    expect(response.status).toBe(403);
    expect((await deliveryRow(deps, target.deliveryId)).status).toBe('sent');
    expect(await smsOptOutRow(deps, target.residentId)).toBeUndefined();
  });

  it('refuses a form changed after signing', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });

    const response = await postSignedWebhook(app, {
      path: statusCallbackPath(fixture.deliveryId),
      params: statusCallbackParams({ fixture, status: 'delivered' }),
      tamper: (params) => ({ ...params, MessageStatus: 'failed', ErrorCode: '21610' }),
    });

    expect(response.status).toBe(403);
    expect((await deliveryRow(deps, fixture.deliveryId)).status).toBe('sent');
    expect(await smsOptOutRow(deps, fixture.residentId)).toBeUndefined();
  });

  it('checks the signature against the public URL, not the address the request arrived at', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });

    const response = await postSignedWebhook(app, {
      path: statusCallbackPath(fixture.deliveryId),
      params: statusCallbackParams({ fixture, status: 'delivered' }),
      signedBaseUrl: TEST_INTERNAL_ORIGIN,
    });

    expect(response.status).toBe(403);
    expect((await deliveryRow(deps, fixture.deliveryId)).status).toBe('sent');
  });

  it('does not trust a forged Host header to make a signature match', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });

    const response = await postSignedWebhook(app, {
      path: statusCallbackPath(fixture.deliveryId),
      params: statusCallbackParams({ fixture, status: 'delivered' }),
      signedBaseUrl: 'https://attacker.example.com',
      headers: { host: 'attacker.example.com', 'x-forwarded-host': 'attacker.example.com' },
    });

    expect(response.status).toBe(403);
    expect((await deliveryRow(deps, fixture.deliveryId)).status).toBe('sent');
  });

  it('refuses every callback when this installation has no Twilio credentials', async () => {
    const unconfigured = createTestAppDeps(database, { env: { PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL } });
    try {
      const fixture = await createSmsDelivery(unconfigured, { status: 'sent' });

      const response = await postSignedWebhook(createApp(unconfigured), {
        path: statusCallbackPath(fixture.deliveryId),
        params: statusCallbackParams({ fixture, status: 'delivered' }),
      });

      expect(response.status).toBe(403);
      expect((await deliveryRow(deps, fixture.deliveryId)).status).toBe('sent');
    } finally {
      await unconfigured.close();
    }
  });

  it('refuses a body over 64 KB with 413 before looking at it', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });

    const response = await postSignedWebhook(app, {
      path: statusCallbackPath(fixture.deliveryId),
      params: statusCallbackParams({ fixture, status: 'delivered', extra: { Padding: 'x'.repeat(70_000) } }),
    });

    expect(response.status).toBe(413);
    expect((await deliveryRow(deps, fixture.deliveryId)).status).toBe('sent');
  });

  it('answers 400 to a signed callback without a MessageStatus', async () => {
    const fixture = await createSmsDelivery(deps, { status: 'sent' });
    const { MessageStatus: _m, SmsStatus: _s, ...params } = statusCallbackParams({ fixture, status: 'x' });

    const response = await postSignedWebhook(app, { path: statusCallbackPath(fixture.deliveryId), params });

    expect(response.status).toBe(400);
    expect((await deliveryRow(deps, fixture.deliveryId)).status).toBe('sent');
  });
});
