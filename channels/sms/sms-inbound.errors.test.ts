import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPhone } from '../../src/conversations/conversation-test-kit.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { MAX_INBOUND_BODY_BYTES, SMS_INBOUND_PATH } from './sms-inbound-app.ts';
import { createSmsHarness, type SmsHarness } from './sms-test-setup.ts';
import {
  postSignedWebhook,
  signedWebhookRequest,
  smsWebhookParams,
  TEST_INTERNAL_ORIGIN,
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

const URL_INBOUND = `${TEST_INTERNAL_ORIGIN}${SMS_INBOUND_PATH}`;

/** A valid, signed SMS whose Body makes the form larger than the limit. */
function oversizedParams() {
  return smsWebhookParams({ from: newPhone(), body: '长'.repeat(MAX_INBOUND_BODY_BYTES / 3) });
}

async function expectRefused(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error.message;
}

describe('POST /channels/sms/inbound: size limits', () => {
  it('refuses a body declared larger than 64 KB with 413, before reading it', async () => {
    const before = await sms.stored();
    const request = signedWebhookRequest({ path: SMS_INBOUND_PATH, params: oversizedParams() });
    const body = await request.text();
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_INBOUND_BODY_BYTES);
    const res = await sms.app.request(
      new Request(request.url, {
        method: 'POST',
        headers: {
          ...Object.fromEntries(request.headers),
          'content-length': String(Buffer.byteLength(body)),
        },
        body,
      }),
    );
    await expectRefused(res, 413, 'payload_too_large');
    expect(await sms.stored()).toEqual(before);
  });

  it('refuses with 413 when the bytes that arrive exceed 64 KB without a declared length', async () => {
    const before = await sms.stored();
    const request = signedWebhookRequest({ path: SMS_INBOUND_PATH, params: oversizedParams() });
    const bytes = new TextEncoder().encode(await request.text());
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
    const res = await sms.app.request(
      new Request(request.url, {
        method: 'POST',
        headers: Object.fromEntries(request.headers),
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    await expectRefused(res, 413, 'payload_too_large');
    expect(await sms.stored()).toEqual(before);
  });

  it('refuses with 413 when more arrives than the declared length said', async () => {
    const before = await sms.stored();
    const request = signedWebhookRequest({ path: SMS_INBOUND_PATH, params: oversizedParams() });
    const body = await request.text();
    const res = await sms.app.request(
      new Request(request.url, {
        method: 'POST',
        headers: { ...Object.fromEntries(request.headers), 'content-length': '512' },
        body,
      }),
    );
    await expectRefused(res, 413, 'payload_too_large');
    expect(await sms.stored()).toEqual(before);
  });

  it('accepts a long but real message just under the limit', async () => {
    const res = await sms.send(newPhone(), '小区停车难，'.repeat(250));
    expect(res.status).toBe(200);
    expect(res.replies).toHaveLength(1);
  });
});

describe('POST /channels/sms/inbound: malformed requests', () => {
  it.each([
    ['JSON', 'application/json', JSON.stringify({ MessageSid: 'SM1', From: '+8613900000000', Body: '1' })],
    ['plain text', 'text/plain', 'MessageSid=SM1&From=%2B8613900000000'],
    ['multipart', 'multipart/form-data; boundary=x', '--x--'],
  ])('refuses a %s body with 400 and a reason', async (_, contentType, body) => {
    const before = await sms.stored();
    const res = await sms.app.request(URL_INBOUND, {
      method: 'POST',
      headers: { 'content-type': contentType, 'x-twilio-signature': 'c2lnbmF0dXJl' },
      body,
    });
    expect(await expectRefused(res, 400, 'malformed_request')).toContain('application/x-www-form-urlencoded');
    expect(await sms.stored()).toEqual(before);
  });

  it('refuses a body without a content type with 400', async () => {
    const res = await sms.app.request(URL_INBOUND, { method: 'POST', body: 'MessageSid=SM1' });
    await expectRefused(res, 400, 'malformed_request');
  });

  it.each([
    ['without MessageSid', 'MessageSid', undefined],
    ['with a MessageSid that is not one', 'MessageSid', '../../etc/passwd'],
    ['without From', 'From', undefined],
    ['with an empty From', 'From', '  '],
  ])('refuses a signed request %s with 400 naming the parameter', async (_, field, value) => {
    const before = await sms.stored();
    const params = smsWebhookParams({ from: newPhone(), body: '1' });
    if (value === undefined) delete params[field];
    else params[field] = value;
    const res = await postSignedWebhook(sms.app, { path: SMS_INBOUND_PATH, params });
    expect(await expectRefused(res, 400, 'malformed_request')).toContain(field);
    expect(await sms.stored()).toEqual(before);
  });

  it('answers an SMS without a Body (a picture message, say) instead of refusing it', async () => {
    const params = smsWebhookParams({ from: newPhone(), body: '', extra: { NumMedia: '1' } });
    delete params.Body;
    const res = await postSignedWebhook(sms.app, { path: SMS_INBOUND_PATH, params });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<Message>');
  });

  it('answers only POST', async () => {
    const res = await sms.app.request(URL_INBOUND, { method: 'GET' });
    expect(res.status).toBe(404);
  });
});
