import { and, asc, count, eq, gt, inArray, lt, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { deliveries } from '../db/schema.ts';
import type { DeliveryJob, DeliveryQueue } from './outreach-env.ts';

/**
 * A delivery `sending` for longer than this lost its worker (killed mid-send, or its job vanished with
 * Redis): it is sent again, flagged as a possible duplicate. Far longer than any provider call.
 */
export const STALE_SENDING_MS = 5 * 60_000;
const PAGE = 5_000;

export const resumePendingDeliveriesInput = z.object({
  campaignId: z.uuid().optional(),
  /** Enqueue every pending delivery even when the queue seems to hold them all. */
  force: z.boolean().default(false),
});

/**
 * Puts back on the queue what the database says is still to be sent — `queued` deliveries and stale
 * `sending` ones — when the queue holds fewer jobs than that (Redis lost or flushed, a crash between
 * commit and enqueue). Enqueueing is idempotent per delivery id, so nothing is sent twice by this.
 */
export async function resumePendingDeliveries(
  ctx: Ctx,
  input: z.input<typeof resumePendingDeliveriesInput>,
  queue: DeliveryQueue,
): Promise<{ pending: number; enqueued: number }> {
  const { campaignId, force } = resumePendingDeliveriesInput.parse(input);
  const scope: SQL | undefined = campaignId ? eq(deliveries.campaignId, campaignId) : undefined;
  const [counted] = await ctx.db
    .select({ n: count() })
    .from(deliveries)
    .where(and(scope, inArray(deliveries.status, ['queued', 'sending'])));
  const pending = counted?.n ?? 0;
  if (pending === 0) return { pending, enqueued: 0 };
  if (!force && !campaignId && (await queue.pendingCount()) >= pending) return { pending, enqueued: 0 };

  const staleBefore = new Date(ctx.clock.now().getTime() - STALE_SENDING_MS);
  const resumable = or(
    eq(deliveries.status, 'queued'),
    and(eq(deliveries.status, 'sending'), lt(deliveries.sendingAt, staleBefore)),
  );
  let enqueued = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await ctx.db
      .select({ deliveryId: deliveries.id, channel: deliveries.channel })
      .from(deliveries)
      .where(and(scope, resumable, after ? gt(deliveries.id, after) : undefined))
      .orderBy(asc(deliveries.id))
      .limit(PAGE);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]?.deliveryId;
    await queue.enqueue(rows satisfies DeliveryJob[]);
    enqueued += rows.length;
    if (rows.length < PAGE) break;
  }
  if (enqueued) ctx.log.info({ enqueued, pending, campaignId }, 'pending deliveries put back on the queue');
  return { pending, enqueued };
}
