import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createLogger, maskPhoneLike } from '../../src/core/logger.ts';
import { closeAppDeps, createRedis } from '../../src/runtime/create-app-deps.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { newRequestId } from './request-id.ts';

/** Collects JSON log lines written by a real pino logger. */
function logCapture() {
  const lines: Record<string, unknown>[] = [];
  // A synchronous destination: every line is readable as soon as the request returns.
  const destination = {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.trim()) lines.push(JSON.parse(line));
    },
  };
  return { lines, log: createLogger({ destination }) };
}

async function connected(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
}

let database: TestDatabase;
let deps: TestAppDeps;
const logs = logCapture();

beforeAll(async () => {
  database = await createTestDatabase();
  const redis = createRedis('redis://127.0.0.1:6379', logs.log);
  await connected(redis);
  deps = createTestAppDeps(database, { log: logs.log, redis });
});

afterAll(async () => {
  deps.redis.disconnect();
  await database.close();
});

describe('health and readiness', () => {
  it('answers /healthz with 200 ok', async () => {
    const res = await createApp(deps).request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when the database and Redis both answer', async () => {
    const res = await createApp(deps).request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ready',
      failed: [],
      checks: { database: { ok: true }, redis: { ok: true } },
    });
  });

  it('answers /readyz with 503 naming redis when Redis cannot be reached', async () => {
    const unreachable = createRedis('redis://127.0.0.1:6390', logs.log);
    try {
      const res = await createApp({ ...deps, redis: unreachable }).request('/readyz');
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        status: 'unavailable',
        failed: ['redis'],
        checks: { database: { ok: true }, redis: { ok: false } },
      });
    } finally {
      unreachable.disconnect();
    }
  });

  it('answers /readyz with 503 naming the database when it does not answer', async () => {
    const closed = await createTestDatabase();
    await closed.close();
    const res = await createApp({ ...deps, database: closed }).request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ failed: ['database'], checks: { database: { ok: false } } });
  });
});

describe('metrics and request logs', () => {
  it('counts requests by method, route pattern and status on /metrics', async () => {
    const app = createApp(deps);
    app.get('/things/:id', (c) => c.text(c.req.param('id')));
    await app.request('/things/1?q=x');
    await app.request('/things/2');
    await app.request('/no/such/page');
    const text = await (await app.request('/metrics')).text();
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/things\/:id",status="200"\} 2/);
    expect(text).toMatch(/http_requests_total\{method="GET",route="\(unmatched\)",status="404"\} 1/);
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/things\/:id"/,
    );
  });

  it('logs one line per request with its id, method, route pattern, status and duration, and no query or body', async () => {
    const app = createApp(deps);
    app.post('/residents/:id/notes', (c) => c.json({ ok: true }, 201));
    const res = await app.request('/residents/abc/notes?phone=13800138000', {
      method: 'POST',
      body: JSON.stringify({ phone: '+8613912345678', note: 'private words' }),
      headers: { 'content-type': 'application/json' },
    });
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    const lines = logs.lines.filter((l) => l.requestId === requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      component: 'http',
      method: 'POST',
      route: '/residents/:id/notes',
      status: 201,
      msg: 'request',
    });
    expect(typeof lines[0]?.durationMs).toBe('number');
    const serialized = JSON.stringify(logs.lines);
    expect(serialized).not.toContain('13800138000');
    expect(serialized).not.toContain('13912345678');
    expect(serialized).not.toContain('private words');
  });

  it('generates request ids that the logger never mistakes for phone numbers', () => {
    for (let i = 0; i < 2000; i += 1) {
      const id = newRequestId();
      expect(maskPhoneLike(id)).toBe(id);
    }
  });

  it('keeps a well-formed X-Request-Id sent by a proxy and returns it', async () => {
    const res = await createApp(deps).request('/healthz', { headers: { 'X-Request-Id': 'edge-42' } });
    expect(res.headers.get('x-request-id')).toBe('edge-42');
    expect(logs.lines.some((l) => l.requestId === 'edge-42' && l.route === '/healthz')).toBe(true);
  });

  it('replaces an X-Request-Id that is too long or not safe to echo', async () => {
    for (const sent of ['a'.repeat(256), 'id with spaces', 'semi;colon', '']) {
      const res = await createApp(deps).request('/healthz', { headers: { 'X-Request-Id': sent } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it("under Node's server, returns the request id once, also on errors and on pages that set their own headers", async () => {
    const app = createApp(deps);
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.get('/own-headers', (c) => c.text('ok', 200, { 'Cache-Control': 'no-store', 'X-Extra': '1' }));
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const path of ['/healthz', '/boom', '/own-headers', '/no-such-page']) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, {
          headers: { 'X-Request-Id': `edge-${path.length}` },
        });
        await res.arrayBuffer();
        expect(res.headers.get('x-request-id'), path).toBe(`edge-${path.length}`);
      }
      const fresh = await fetch(`http://127.0.0.1:${port}/boom`, { headers: { accept: 'application/json' } });
      const body = (await fresh.json()) as { error: { requestId: string } };
      expect(fresh.status).toBe(500);
      expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
      expect(body.error.requestId).toBe(fresh.headers.get('x-request-id'));
      const own = await fetch(`http://127.0.0.1:${port}/own-headers`);
      expect(own.headers.get('cache-control')).toBe('no-store');
      expect(own.headers.get('x-extra')).toBe('1');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('closeAppDeps', () => {
  it('closes Redis and the database', async () => {
    const own = await createTestDatabase();
    const redis = createRedis('redis://127.0.0.1:6379', logs.log);
    await connected(redis);
    await closeAppDeps({ redis, database: own });
    await expect(redis.ping()).rejects.toThrow(/closed/i);
    await expect(own.ping()).rejects.toThrow();
  });
});
