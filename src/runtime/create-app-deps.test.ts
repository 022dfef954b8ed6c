import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.ts';
import { TEST_PII_KEY } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase, testDbKind } from '../testing/test-database.ts';
import { closeAppDeps, createAppDeps } from './create-app-deps.ts';

let database: TestDatabase | undefined;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'gw-deps-'));
  // On PostgreSQL the deps open their own pool to this per-file database.
  if (testDbKind() === 'postgres') database = await createTestDatabase();
});

afterAll(async () => {
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function env(): Record<string, string> {
  return database?.url
    ? { DATABASE_URL: database.url, PII_KEY: TEST_PII_KEY, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }
    : { DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
}

describe('createAppDeps', () => {
  it('opens the configured database, connects Redis, collects default metrics, and closes it all', async () => {
    const config = parseConfig(env());
    const deps = await createAppDeps(config);
    try {
      expect(deps.database.kind).toBe(testDbKind());
      await deps.database.ping();
      expect(await deps.redis.ping()).toBe('PONG');
      expect(await deps.metrics.metrics()).toMatch(/process_cpu_user_seconds_total/);
      expect(deps.log.level).toBe('silent');
      expect(deps.senders).toEqual({});
      // The phone-number key round-trips.
      expect(deps.pii.decryptPhone(deps.pii.encryptPhone('+8613800138000'))).toBe('+8613800138000');
      if (testDbKind() === 'pglite') expect(existsSync(path.join(dataDir, 'pii.key'))).toBe(true);
    } finally {
      await closeAppDeps(deps);
    }
    await expect(deps.database.ping()).rejects.toThrow();
    await expect(deps.redis.ping()).rejects.toThrow(/closed/i);
  });

  it('starts while Redis is unreachable; Redis is simply not ready', async () => {
    const config = parseConfig({ ...env(), REDIS_URL: 'redis://127.0.0.1:6390' });
    const deps = await createAppDeps(config);
    try {
      await deps.database.ping();
      expect(deps.redis.status).not.toBe('ready');
    } finally {
      await closeAppDeps(deps);
    }
  });
});
