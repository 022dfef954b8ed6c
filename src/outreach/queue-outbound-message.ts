import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { deliveries, LOCALES, residents } from '../db/schema.ts';
import { isOptedOut } from '../residents/is-opted-out.ts';
import { canSend, OUTBOUND_CHANNELS, type Senders } from './sender.ts';

export const queueOutboundMessageInput = z.object({
  channel: z.enum(OUTBOUND_CHANNELS),
  residentId: z.uuid(),
  locale: z.enum(LOCALES),
  body: z.string().trim().min(1).max(1600),
  /** Why it is sent, e.g. `proxy-confirmation:<intakeId>`; the same purpose is always the same message. */
  purpose: z.string().trim().min(1).max(200),
});
export type QueueOutboundMessageInput = z.input<typeof queueOutboundMessageInput>;

export type OutboxMessage = typeof deliveries.$inferSelect;

/**
 * Records an outbound message in the outbox, once per `purpose`: a repeat returns the first row
 * unchanged. Without a sender for the channel the row is `held_no_credentials` and stays in the local
 * outbox; an opted-out resident's row is `failed` with error `opted_out`; otherwise it is `queued`
 * for the outbound worker (the caller may enqueue its id after commit; a sweep catches any it misses).
 */
export async function queueOutboundMessage(
  ctx: Ctx,
  input: QueueOutboundMessageInput,
  senders: Senders | undefined,
): Promise<OutboxMessage> {
  const data = queueOutboundMessageInput.parse(input);
  const [existing] = await ctx.db.select().from(deliveries).where(eq(deliveries.purpose, data.purpose));
  if (existing) return existing;

  const [resident] = await ctx.db
    .select({ id: residents.id })
    .from(residents)
    .where(eq(residents.id, data.residentId));
  if (!resident) {
    throw new ServiceError('not_found', 'ops:outbox.residentNotFound');
  }
  const optedOut = await isOptedOut(ctx, { residentId: data.residentId, channel: data.channel });
  const now = ctx.clock.now();
  const status = optedOut ? 'failed' : canSend(senders, data.channel) ? 'queued' : 'held_no_credentials';
  const [inserted] = await ctx.db
    .insert(deliveries)
    .values({
      ...data,
      status,
      error: optedOut ? 'opted_out' : null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: deliveries.purpose })
    .returning();
  if (inserted) {
    ctx.log.info(
      { outboxId: inserted.id, channel: inserted.channel, status: inserted.status },
      'outbound message recorded',
    );
    return inserted;
  }
  // A concurrent call with the same purpose won the insert: return its row.
  const [winner] = await ctx.db.select().from(deliveries).where(eq(deliveries.purpose, data.purpose));
  if (!winner) throw new Error(`outbox row for purpose vanished after conflict: ${data.purpose}`);
  return winner;
}
