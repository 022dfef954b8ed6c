import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import type { AppDeps } from '../app-deps.ts';
import { type Config, parseConfig } from '../config.ts';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import type { Database } from '../db/database.ts';
import { getI18n } from '../i18n/i18n.ts';
import { createPii } from '../residents/pii.ts';
import { TEST_PII_KEY } from './test-context.ts';

export interface TestAppDeps extends AppDeps {
  clock: ManualClock;
  /** Disconnects Redis; the database is the caller's to close. Call it in afterAll. */
  close(): Promise<void>;
}

export interface TestAppDepsOverrides extends Partial<Omit<AppDeps, 'config' | 'clock' | 'database'>> {
  /** Raw environment variables, parsed as at start-up (e.g. `{ TWILIO_ACCOUNT_SID: … }`). */
  env?: Record<string, string>;
  /** Parsed settings laid over the result of parsing `env`. */
  config?: Partial<Config>;
  clock?: ManualClock;
}

/**
 * AppDeps for route tests over a test database: default configuration (plus overrides), the test
 * PII key, a silent logger, a ManualClock, the real translations, a lazily connecting Redis at
 * 127.0.0.1:6379 and a fresh metrics registry.
 */
export function createTestAppDeps(database: Database, overrides: TestAppDepsOverrides = {}): TestAppDeps {
  const { env, config: configOverrides, clock, ...rest } = overrides;
  const config: Config = { ...parseConfig({ PII_KEY: TEST_PII_KEY, ...env }), ...configOverrides };
  const redis =
    rest.redis ??
    new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectionName: 'test' });
  const ownsRedis = !rest.redis;
  return {
    config,
    database,
    pii: createPii(TEST_PII_KEY),
    log: silentLogger(),
    i18n: getI18n(),
    metrics: new Registry(),
    ...rest,
    redis,
    clock: clock ?? new ManualClock('2026-11-27T02:00:00Z'),
    async close() {
      if (!ownsRedis) return;
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
