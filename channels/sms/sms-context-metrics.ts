import { Counter, type Registry } from 'prom-client';
import { smsContextCache } from '../../src/conversations/sms-context-cache.ts';
import type { DbOrTx } from '../../src/db/database.ts';

export const SMS_CONTEXT_LOOKUPS = 'sms_context_cache_lookups_total';

/**
 * How often an inbound SMS was understood from what this process last saw of its sender (`hit`) and
 * how often its context had to be read (`miss`): the share of batches that make one round trip.
 */
export function registerSmsContextMetrics(registry: Registry, db: DbOrTx): void {
  // The same registry may serve several app instances (tests); the metric is registered once.
  if (registry.getSingleMetric(SMS_CONTEXT_LOOKUPS)) return;
  const cache = smsContextCache(db);
  new Counter({
    name: SMS_CONTEXT_LOOKUPS,
    help: 'Inbound SMS whose sender context came from the process cache (hit) or was read (miss)',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ result: 'hit' }, cache.hits);
      this.inc({ result: 'miss' }, cache.misses);
    },
  });
}
