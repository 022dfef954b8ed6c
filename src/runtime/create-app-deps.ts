import { Redis } from 'ioredis';
import type { DestinationStream, Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { AppDeps } from '../app-deps.ts';
import type { Config } from '../config.ts';
import { systemClock } from '../core/clock.ts';
import { createLogger } from '../core/logger.ts';
import { getI18n } from '../i18n/i18n.ts';
import type { Senders } from '../outreach/sender.ts';
import { createPii } from '../residents/pii.ts';
import { openConfiguredDatabase, resolvePiiKey } from './open-configured-database.ts';

export interface CreateAppDepsOptions {
  /** Where log lines go (default: stdout). */
  logDestination?: DestinationStream;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** The outbound senders the configuration provides; without them messages stay in the local outbox. */
  senders?: (config: Config, log: Logger) => Senders;
}

/**
 * A Redis connection that never crashes the process: while Redis is down it keeps reconnecting and
 * readiness reports it. `maxRetriesPerRequest: null` is what BullMQ workers require.
 */
export function createRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, connectionName: 'gateway' });
  let down = false;
  redis.on('error', (error: Error) => {
    // Reconnection attempts repeat the same error; one line per outage is enough.
    if (!down) log.error({ err: error }, 'redis unavailable; retrying in the background');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('redis connection restored');
    down = false;
  });
  return redis;
}

/** Builds everything the HTTP app and the workers need from the parsed configuration. */
export async function createAppDeps(config: Config, options: CreateAppDepsOptions = {}): Promise<AppDeps> {
  const log = createLogger({ level: config.logLevel, destination: options.logDestination });
  const pii = createPii(resolvePiiKey(config));
  const database = await openConfiguredDatabase(config, options.poolSize);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  return {
    config,
    database,
    pii,
    log,
    clock: systemClock,
    i18n: getI18n(),
    redis: createRedis(config.redisUrl, log),
    metrics,
    senders: options.senders?.(config, log) ?? {},
  };
}

/** Closes Redis and the database (which releases an embedded data directory's lock). */
export async function closeAppDeps(deps: Pick<AppDeps, 'redis' | 'database'>): Promise<void> {
  if (deps.redis.status === 'ready') {
    await deps.redis.quit().catch(() => deps.redis.disconnect());
  } else {
    deps.redis.disconnect();
  }
  await deps.database.close();
}
