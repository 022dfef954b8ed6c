import type { Actor } from '../core/actor.ts';
import { ManualClock } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { silentLogger } from '../core/logger.ts';
import type { DbOrTx } from '../db/database.ts';
import { createPii } from '../residents/pii.ts';

/** A fixed key so test runs are repeatable; never used outside tests. */
export const TEST_PII_KEY = Buffer.alloc(32, 7).toString('base64');

export function createTestCtx(
  db: DbOrTx,
  options: { actor?: Actor; clock?: ManualClock; now?: string } = {},
): Ctx & { clock: ManualClock } {
  return {
    actor: options.actor ?? { type: 'system', job: 'test' },
    db,
    clock: options.clock ?? new ManualClock(options.now ?? '2026-11-27T02:00:00Z'),
    log: silentLogger(),
    pii: createPii(TEST_PII_KEY),
  };
}
