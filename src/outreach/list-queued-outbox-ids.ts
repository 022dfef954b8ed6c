import { asc, eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { deliveries } from '../db/schema.ts';

/**
 * Ids of messages still waiting to be sent. The database is the source of truth: the outbound sweep
 * re-enqueues these so work lost with Redis (or never enqueued) is picked up again.
 */
export async function listQueuedOutboxIds(ctx: Ctx, input: { limit?: number } = {}): Promise<string[]> {
  const rows = await ctx.db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(eq(deliveries.status, 'queued'))
    .orderBy(asc(deliveries.createdAt))
    .limit(input.limit ?? 1000);
  return rows.map((r) => r.id);
}
