import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { deliveries, residents } from '../db/schema.ts';
import { isOptedOut } from '../residents/is-opted-out.ts';
import { holdInLocalOutbox } from './hold-in-local-outbox.ts';
import { quietHoursEnd } from './quiet-hours.ts';
import type { Senders } from './sender.ts';

export const sendOutboxMessageInput = z.object({
  outboxId: z.uuid(),
  /** On the last attempt a transient failure becomes final. */
  finalAttempt: z.boolean().default(false),
});

export type SendOutboxOutcome =
  /** No such row (yet): the job may have run before the inserting transaction committed. */
  | { outcome: 'missing' }
  /** Not queued any more (already sent, failed or held): nothing to do. */
  | { outcome: 'skipped'; status: string }
  | { outcome: 'held' }
  | { outcome: 'deferred'; until: Date }
  | { outcome: 'sent'; providerId: string }
  | { outcome: 'failed'; error: string }
  /** Transient provider failure; the row stays queued for another attempt. */
  | { outcome: 'retry'; error: string };

/**
 * Delivers one queued outbox message through its channel's sender, re-checking at send time what may
 * have changed since it was queued: a sender is configured (else it is held in the local outbox), the
 * resident has not opted out, quiet hours. The destination is decrypted only here.
 */
export async function sendOutboxMessage(
  ctx: Ctx,
  input: z.input<typeof sendOutboxMessageInput>,
  senders: Senders | undefined,
): Promise<SendOutboxOutcome> {
  const { outboxId, finalAttempt } = sendOutboxMessageInput.parse(input);
  const [message] = await ctx.db.select().from(deliveries).where(eq(deliveries.id, outboxId));
  if (!message) return { outcome: 'missing' };
  if (message.status !== 'queued') return { outcome: 'skipped', status: message.status };

  const sender = senders?.[message.channel];
  if (!sender) {
    await holdInLocalOutbox(ctx, { outboxId });
    return { outcome: 'held' };
  }

  const [resident] = await ctx.db
    .select({
      phoneCipher: residents.phoneCipher,
      quietStartMinute: residents.quietStartMinute,
      quietEndMinute: residents.quietEndMinute,
      timeZone: residents.timeZone,
    })
    .from(residents)
    .where(eq(residents.id, message.residentId));
  if (await isOptedOut(ctx, { residentId: message.residentId, channel: message.channel })) {
    return markFailed(ctx, outboxId, 'opted_out');
  }
  if (!resident?.phoneCipher) return markFailed(ctx, outboxId, 'no_phone');

  const until = quietHoursEnd(ctx.clock.now(), {
    startMinute: resident.quietStartMinute,
    endMinute: resident.quietEndMinute,
    timeZone: resident.timeZone,
  });
  if (until) return { outcome: 'deferred', until };

  const result = await sender.send({
    outboxId,
    channel: message.channel,
    residentId: message.residentId,
    locale: message.locale,
    body: message.body,
    to: ctx.pii.decryptPhone(resident.phoneCipher),
  });
  if (result.ok) {
    await ctx.db
      .update(deliveries)
      .set({ status: 'sent', providerId: result.providerId, error: null, updatedAt: ctx.clock.now() })
      .where(eq(deliveries.id, outboxId));
    ctx.log.info(
      { outboxId, channel: message.channel, providerId: result.providerId },
      'outbound message sent',
    );
    return { outcome: 'sent', providerId: result.providerId };
  }
  if (result.permanent || finalAttempt) return markFailed(ctx, outboxId, result.error);
  await ctx.db
    .update(deliveries)
    .set({ error: result.error, updatedAt: ctx.clock.now() })
    .where(eq(deliveries.id, outboxId));
  ctx.log.warn(
    { outboxId, channel: message.channel, error: result.error },
    'outbound message will be retried',
  );
  return { outcome: 'retry', error: result.error };
}

async function markFailed(ctx: Ctx, outboxId: string, error: string): Promise<SendOutboxOutcome> {
  await ctx.db
    .update(deliveries)
    .set({ status: 'failed', error, updatedAt: ctx.clock.now() })
    .where(eq(deliveries.id, outboxId));
  ctx.log.warn({ outboxId, error }, 'outbound message failed');
  return { outcome: 'failed', error };
}
