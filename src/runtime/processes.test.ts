import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Entry, freePort, type SpawnedGateway, spawnGateway } from '../testing/spawn-gateway.ts';
import { TEST_PII_KEY } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase, testDbKind } from '../testing/test-database.ts';

const STARTED = /gateway started/;
/**
 * Each test starts up to three real processes, each migrating an embedded database on start: under a
 * loaded CI machine one start has taken 38 s, so these tests get more time than the default.
 */
const PROCESS_TESTS = { timeout: 180_000 };
const onPglite = testDbKind() === 'pglite';
const running: SpawnedGateway[] = [];
const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gw-proc-'));
  tempDirs.push(dir);
  return dir;
}

function start(entry: Entry, env: Record<string, string>): SpawnedGateway {
  const gateway = spawnGateway(entry, { DEMO_DATA: 'off', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env });
  running.push(gateway);
  return gateway;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((g) => g.kill()));
});

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(onPglite)('invalid configuration', PROCESS_TESTS, () => {
  it.each([
    [{ PORT: 'abc' }, ['PORT']],
    [{ DATABASE_URL: 'mysql://x' }, ['DATABASE_URL', 'PII_KEY']],
    [{ TZ: 'Mars/Olympus' }, ['TZ']],
  ])('stops with exit code 1 and names the variable (%j)', async (env, variables) => {
    const gateway = start('src/main.ts', { DATA_DIR: tempDir(), ...env });
    expect(await gateway.exited).toBe(1);
    for (const variable of variables) expect(gateway.stderr()).toMatch(new RegExp(`^\\s*${variable}: `, 'm'));
    expect(gateway.stdout()).not.toMatch(STARTED);
  });
});

describe.runIf(onPglite)('all-in-one process on the embedded database', PROCESS_TESTS, () => {
  it('serves health, readiness and metrics, logs request ids, refuses a second process, and stops on SIGTERM releasing the lock', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const first = start('src/main.ts', { DATA_DIR: dataDir, PORT: String(port) });
    await first.waitForOutput(STARTED);
    const startup = first.logLines().find((l) => STARTED.test(String(l.msg)));
    expect(startup?.msg).toContain(`http://127.0.0.1:${port}`);
    expect(startup?.msg).toContain('outbound messages are held in the local outbox');
    expect(startup?.database).toBe('pglite');

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz?from=13800138000`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', failed: [] });
    const readyId = ready.headers.get('x-request-id');
    expect(readyId).toBeTruthy();

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/readyz",status="200"\} 1/,
    );

    await first.waitForOutput(new RegExp(readyId ?? 'missing'));
    const line = first.logLines().find((l) => l.requestId === readyId);
    expect(line).toMatchObject({ method: 'GET', route: '/readyz', status: 200 });
    expect(typeof line?.durationMs).toBe('number');
    expect(first.stdout()).not.toContain('13800138000');

    const second = start('src/main.ts', { DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(/already open in another process/);
    expect(second.stderr()).toMatch(/DATABASE_URL/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stdout()).toMatch(/"msg":"stopped"/);

    const third = start('src/main.ts', { DATA_DIR: dataDir, PORT: String(port) });
    await third.waitForOutput(STARTED);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });

  it('reports Redis as not ready when it cannot be reached, and still shuts down cleanly', async () => {
    const port = await freePort();
    const gateway = start('src/main.ts', {
      DATA_DIR: tempDir(),
      PORT: String(port),
      REDIS_URL: 'redis://127.0.0.1:6390',
    });
    await gateway.waitForOutput(STARTED);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { failed: string[]; checks: Record<string, { ok: boolean }> };
    expect(body.failed).toEqual(['redis']);
    expect(body.checks.database?.ok).toBe(true);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  });

  it.each([
    ['src/server.ts', 'start:web'],
    ['src/worker.ts', 'start:worker'],
  ] as const)(
    '%s refuses to run on the embedded database, pointing to npm start or DATABASE_URL',
    async (entry, script) => {
      const gateway = start(entry, { DATA_DIR: tempDir(), PORT: String(await freePort()) });
      expect(await gateway.exited).toBe(1);
      expect(gateway.stderr()).toContain(`npm run ${script}`);
      expect(gateway.stderr()).toMatch(/npm start/);
      expect(gateway.stderr()).toMatch(/DATABASE_URL/);
    },
  );
});

describe.runIf(!onPglite)('separate web and worker processes on PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('starts web and worker side by side, reports ready, and both stop with exit code 0 on SIGTERM', async () => {
    const port = await freePort();
    const env = { DATABASE_URL: database.url ?? '', PII_KEY: TEST_PII_KEY, DATA_DIR: tempDir() };
    const web = start('src/server.ts', { ...env, PORT: String(port) });
    const worker = start('src/worker.ts', env);
    await Promise.all([web.waitForOutput(STARTED), worker.waitForOutput(STARTED)]);
    expect(worker.stdout()).toMatch(/queue workers running/);
    expect(web.logLines().find((l) => STARTED.test(String(l.msg)))?.database).toBe('postgres');

    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/readyz",status="200"\} 1/);

    web.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await web.exited).toBe(0);
    expect(await worker.exited).toBe(0);
  });

  it('refuses a bad DATABASE_URL scheme together with a missing PII_KEY, naming both', async () => {
    const gateway = start('src/server.ts', { DATABASE_URL: 'mysql://x', DATA_DIR: tempDir() });
    expect(await gateway.exited).toBe(1);
    expect(gateway.stderr()).toMatch(/^\s*DATABASE_URL: /m);
    expect(gateway.stderr()).toMatch(/^\s*PII_KEY: /m);
  });
});
