import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from './config.ts';
import type { Clock } from './core/clock.ts';
import type { Database } from './db/database.ts';
import type { I18n } from './i18n/i18n.ts';
import type { Senders } from './outreach/sender.ts';
import type { Pii } from './residents/pii.ts';

/** Everything the HTTP app and the workers are built from; made once by the composition roots. */
export interface AppDeps {
  config: Config;
  database: Database;
  pii: Pii;
  log: Logger;
  clock: Clock;
  i18n: I18n;
  /** Shared connection for health checks and queue producers. */
  redis: Redis;
  metrics: Registry;
  /** Outbound senders by channel; a channel without one keeps its messages in the local outbox. */
  senders?: Senders;
}
