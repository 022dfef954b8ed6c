import { HTTPException } from 'hono/http-exception';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { ServiceError } from '../../src/core/errors.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import type { ErrorBody } from './error-handler.ts';

const lines: Record<string, unknown>[] = [];
const log = createLogger({
  destination: {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.trim()) lines.push(JSON.parse(line));
    },
  },
});

let database: TestDatabase;
let deps: TestAppDeps;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = createTestAppDeps(database, { log });
});

afterAll(async () => {
  await deps.close();
  await database.close();
});

function appWithFailures() {
  const app = createApp(deps);
  app.get('/missing-resident', () => {
    throw new ServiceError('not_found', 'ops:outbox.residentNotFound');
  });
  app.get('/unknown-key', () => {
    throw new ServiceError('rate_limited', 'ops:no.such.key');
  });
  app.post('/invalid', () => {
    throw new ServiceError('validation_failed', 'ops:errors.code.validation_failed', {
      fields: [{ field: 'body', key: 'ops:errors.code.validation_failed' }],
    });
  });
  app.get('/crash', () => {
    throw new Error('database exploded at row 13800138000');
  });
  app.get('/too-large', () => {
    throw new HTTPException(413, { message: 'payload too large' });
  });
  return app;
}

describe('app.onError for JSON clients', () => {
  it('maps a ServiceError code to its HTTP status with a message in the default locale and the request id', async () => {
    const res = await appWithFailures().request('/missing-resident');
    expect(res.status).toBe(404);
    const body = (await res.json()) as ErrorBody;
    expect(body.error).toEqual({
      code: 'not_found',
      message: '找不到此消息的收件居民。',
      requestId: res.headers.get('x-request-id'),
    });
  });

  it('answers in the language the request asks for', async () => {
    const en = await appWithFailures().request('/missing-resident', {
      headers: { 'Accept-Language': 'en-GB' },
    });
    expect(((await en.json()) as ErrorBody).error.message).toBe(
      'The resident this message is for could not be found.',
    );
    const hk = await appWithFailures().request('/missing-resident?lang=zh-HK');
    expect(((await hk.json()) as ErrorBody).error.message).toBe('找不到此訊息的收件居民。');
  });

  it('falls back to a generic message for the code when the message key has no translation', async () => {
    const res = await appWithFailures().request('/unknown-key', { headers: { 'Accept-Language': 'en' } });
    expect(res.status).toBe(429);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toBe('Too many attempts. Please wait a moment and try again.');
  });

  it('lists field problems for validation failures', async () => {
    const res = await appWithFailures().request('/invalid?lang=en', { method: 'POST' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.fields).toEqual([
      { field: 'body', message: 'Some of the information given is not valid.' },
    ]);
  });

  it('answers anything else with 500 and the request id, logging the error under that id without leaking it', async () => {
    const res = await appWithFailures().request('/crash', { headers: { 'Accept-Language': 'en' } });
    expect(res.status).toBe(500);
    const body = (await res.json()) as ErrorBody;
    const requestId = res.headers.get('x-request-id');
    expect(body.error).toEqual({
      code: 'internal_error',
      message: 'Something went wrong on our side. Please try again later.',
      requestId,
    });
    expect(JSON.stringify(body)).not.toContain('exploded');
    const logged = lines.find((l) => l.requestId === requestId && l.msg === 'unhandled error');
    expect(logged?.level).toBe(50);
    expect(JSON.stringify(logged)).toContain('database exploded');
    expect(JSON.stringify(lines)).not.toContain('13800138000');
    expect(lines.find((l) => l.requestId === requestId && l.msg === 'request')).toMatchObject({
      route: '/crash',
      status: 500,
    });
  });

  it('keeps the status of an HTTP exception below 500', async () => {
    const res = await appWithFailures().request('/too-large');
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.requestId).toBe(res.headers.get('x-request-id'));
  });
});

describe('app.onError for browsers', () => {
  it('renders an accessible HTML page in the request language with the reference number', async () => {
    const res = await appWithFailures().request('/crash', {
      headers: { Accept: 'text/html,application/xhtml+xml', 'Accept-Language': 'zh-HK' },
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain('<html lang="zh-HK">');
    expect(page).toContain('<h1>出現錯誤</h1>');
    expect(page).toContain(`參考編號：${res.headers.get('x-request-id')}`);
  });
});
