import type { Logger } from 'pino';
import type { DbOrTx } from '../db/database.ts';
import type { Pii } from '../residents/pii.ts';
import type { Actor } from './actor.ts';
import type { Clock } from './clock.ts';

/** What every verb receives: who acts, where data lives, what time it is, where to log. */
export interface Ctx {
  actor: Actor;
  db: DbOrTx;
  clock: Clock;
  log: Logger;
  pii: Pii;
}

/** The same context inside a transaction. */
export function withDb(ctx: Ctx, db: DbOrTx): Ctx {
  return { ...ctx, db };
}
