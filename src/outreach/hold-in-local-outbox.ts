import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { deliveries } from '../db/schema.ts';
import type { OutboxMessage } from './queue-outbound-message.ts';

export const holdInLocalOutboxInput = z.object({ outboxId: z.uuid() });

/**
 * Keeps a queued message in the local outbox because no sender can deliver it (no provider
 * credentials). It is marked `held_no_credentials`, never `sent`; returns the row, or undefined when
 * the message was no longer queued.
 */
export async function holdInLocalOutbox(
  ctx: Ctx,
  input: z.input<typeof holdInLocalOutboxInput>,
): Promise<OutboxMessage | undefined> {
  const { outboxId } = holdInLocalOutboxInput.parse(input);
  const [row] = await ctx.db
    .update(deliveries)
    .set({ status: 'held_no_credentials', updatedAt: ctx.clock.now() })
    .where(and(eq(deliveries.id, outboxId), eq(deliveries.status, 'queued')))
    .returning();
  if (row) ctx.log.warn({ outboxId, channel: row.channel }, 'outbound message held: no sender configured');
  return row;
}
