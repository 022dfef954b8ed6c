import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { newPhone } from '../../src/conversations/conversation-test-kit.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createTestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { SMS_INBOUND_PATH } from './sms-inbound-app.ts';
import { createSmsHarness, type SmsHarness } from './sms-test-setup.ts';
import {
  postSignedWebhook,
  type SignedWebhookOptions,
  smsWebhookParams,
  TEST_INTERNAL_ORIGIN,
  TEST_PUBLIC_BASE_URL,
  twilioTestEnv,
} from './twilio-test-kit.ts';

let database: TestDatabase;
let sms: SmsHarness;

beforeAll(async () => {
  database = await createTestDatabase();
  sms = createSmsHarness(database);
});

afterAll(async () => {
  await sms.deps.close();
  await database.close();
});

const params = () => smsWebhookParams({ from: newPhone(), body: 'T1 支持' });

async function expectForbiddenAndNothingStored(options: SignedWebhookOptions, app = sms.app) {
  const before = await sms.stored();
  const res = await postSignedWebhook(app, options);
  expect(res.status).toBe(403);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  expect(await sms.stored()).toEqual(before);
}

describe('POST /channels/sms/inbound: only Twilio may speak for a phone number', () => {
  it('accepts a request signed by Twilio over the public URL', async () => {
    const res = await postSignedWebhook(sms.app, { path: SMS_INBOUND_PATH, params: params() });
    expect(res.status).toBe(200);
  });

  it('refuses a request without a signature, storing nothing', async () => {
    await expectForbiddenAndNothingStored({ path: SMS_INBOUND_PATH, params: params(), signature: null });
  });

  it('refuses a signature made with another auth token', async () => {
    await expectForbiddenAndNothingStored({
      path: SMS_INBOUND_PATH,
      params: params(),
      authToken: 'guessed-token',
    });
  });

  it('refuses a signature that is not base64 HMAC at all', async () => {
    await expectForbiddenAndNothingStored({ path: SMS_INBOUND_PATH, params: params(), signature: 'forged' });
  });

  it('refuses a message changed after it was signed', async () => {
    await expectForbiddenAndNothingStored({
      path: SMS_INBOUND_PATH,
      params: params(),
      tamper: (p) => ({ ...p, Body: 'TD' }),
    });
    await expectForbiddenAndNothingStored({
      path: SMS_INBOUND_PATH,
      params: params(),
      tamper: (p) => ({ ...p, From: newPhone() }),
    });
  });

  it('signs over unknown parameters too: dropping or adding one breaks the signature', async () => {
    const signed = { ...params(), SomeFutureField: 'value' };
    await expectForbiddenAndNothingStored({
      path: SMS_INBOUND_PATH,
      params: signed,
      tamper: ({ SomeFutureField: _, ...rest }) => rest,
    });
    await expectForbiddenAndNothingStored({
      path: SMS_INBOUND_PATH,
      params: params(),
      tamper: (p) => ({ ...p, Injected: '1' }),
    });
  });

  it('checks the signature against the configured public URL, not the address the request came to', async () => {
    // Signed over the internal address (what a client could see or forge through Host headers).
    await expectForbiddenAndNothingStored({
      path: SMS_INBOUND_PATH,
      params: params(),
      signedBaseUrl: TEST_INTERNAL_ORIGIN,
      headers: { host: new URL(TEST_INTERNAL_ORIGIN).host, 'x-forwarded-host': 'attacker.example' },
    });
    // Signed for another site's webhook, then replayed here.
    await expectForbiddenAndNothingStored({
      path: SMS_INBOUND_PATH,
      params: params(),
      signedBaseUrl: 'https://other-hall.example.org',
    });
  });

  it('refuses every inbound webhook when no Twilio credentials are configured', async () => {
    const unverifiable = createTestAppDeps(database, { env: { PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL } });
    try {
      expect(unverifiable.config.twilio).toBeUndefined();
      const app = createApp(unverifiable);
      await expectForbiddenAndNothingStored({ path: SMS_INBOUND_PATH, params: params() }, app);
      await expectForbiddenAndNothingStored(
        { path: SMS_INBOUND_PATH, params: params(), signature: null },
        app,
      );
    } finally {
      await unverifiable.close();
    }
  });

  it('never writes the sender’s number to the log, accepted or refused', async () => {
    const lines: string[] = [];
    const log = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const logged = createTestAppDeps(database, { env: twilioTestEnv(), log });
    try {
      const app = createApp(logged);
      const phone = newPhone();
      const body = smsWebhookParams({ from: phone, body: `我的电话是${phone.slice(3)}，路灯坏了` });
      expect((await postSignedWebhook(app, { path: SMS_INBOUND_PATH, params: body })).status).toBe(200);
      expect(
        (await postSignedWebhook(app, { path: SMS_INBOUND_PATH, params: body, signature: null })).status,
      ).toBe(403);
      const text = lines.join('');
      expect(text).toContain('inbound sms handled');
      expect(text).toContain('inbound sms refused');
      expect(text).not.toContain(phone.slice(3));
    } finally {
      await logged.close();
    }
  });
});
