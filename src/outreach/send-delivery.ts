import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { type DeliveryStatus, deliveries } from '../db/schema.ts';
import { contactRoute } from './contact-route.ts';
import { type ClaimedRow, type DeliveryWrites, directDeliveryWrites } from './delivery-writes.ts';
import { applyProviderErrorCode } from './provider-error-effects.ts';
import { quietHoursEnd } from './quiet-hours.ts';
import type { OutboundChannel, OutboundMessage, Senders, SendResult } from './sender.ts';

/** How long a survey question or topic notice stays the thing a bare "1" answers. */
export const PROMPT_TTL_MS = 7 * 24 * 60 * 60_000;

export const sendDeliveryInput = z.object({
  deliveryId: z.uuid(),
  /** On the last attempt a transient failure becomes final. */
  finalAttempt: z.boolean().default(false),
});
export type SendDeliveryInput = z.input<typeof sendDeliveryInput>;

export interface SendDeliveryEnv {
  /** The senders this process has; a channel without one keeps its messages in the local outbox. */
  senders: Senders | undefined;
  promptTtlMs?: number;
  /** How claims and acknowledgements reach the database; a worker shares batched ones between sends. */
  writes?: DeliveryWrites;
  /** Calls the provider in the sender's next slot under its rate limit (the send starts in the slot). */
  pace?: <T>(send: () => Promise<T>) => Promise<T>;
}

export type SendDeliveryOutcome =
  /** No such row (yet): the job may have run before the inserting transaction committed. */
  | { outcome: 'missing' }
  /** Not waiting to be sent any more (sent, failed, held, cancelled…): nothing to do. */
  | { outcome: 'skipped'; status: DeliveryStatus }
  | { outcome: 'held' }
  | { outcome: 'opted_out' }
  /** The resident cannot be reached by text or call: listed for a proxy writer's home visit. */
  | { outcome: 'visit' }
  /** The resident's channel changed since planning; the delivery now belongs to another channel. */
  | { outcome: 'rerouted'; channel: OutboundChannel }
  | { outcome: 'deferred'; until: Date }
  | { outcome: 'sent'; providerId: string; possibleDuplicate: boolean }
  | { outcome: 'failed'; error: string }
  /** Transient provider failure; the delivery waits for another attempt. */
  | { outcome: 'retry'; error: string };

const WAITING: DeliveryStatus[] = ['queued', 'sending'];

/** Puts a claimed delivery back as it was: it waits (quiet hours) or moves to another channel's queue. */
async function release(
  ctx: Ctx,
  deliveryId: string,
  row: ClaimedRow,
  channel: OutboundChannel,
): Promise<void> {
  const previousSendingAt = row.previous_sending_at === null ? null : new Date(row.previous_sending_at);
  await ctx.db
    .update(deliveries)
    .set({
      status: row.previous_status,
      channel,
      attempts: sql`${deliveries.attempts} - 1`,
      possibleDuplicate: row.previous_duplicate,
      sendingAt: previousSendingAt,
      updatedAt: ctx.clock.now(),
    })
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.status, 'sending')));
}

/**
 * Sends one delivery through its channel's sender, re-checking at send time everything that may have
 * changed since planning: the campaign was cancelled, the resident opted out, can no longer read texts
 * or prefers another channel, a sender exists, quiet hours. The row is marked `sending` before the
 * provider is called, so a worker dying mid-send leaves a trace: a delivery found already `sending` is
 * sent again but flagged as a possible duplicate. The destination is decrypted only here.
 */
export async function sendDelivery(
  ctx: Ctx,
  input: SendDeliveryInput,
  env: SendDeliveryEnv,
): Promise<SendDeliveryOutcome> {
  const { deliveryId, finalAttempt } = sendDeliveryInput.parse(input);
  const writes = env.writes ?? directDeliveryWrites(ctx);
  const row = await writes.claim(deliveryId, ctx.clock.now());
  if (!row) {
    const [current] = await ctx.db
      .select({ status: deliveries.status })
      .from(deliveries)
      .where(eq(deliveries.id, deliveryId));
    return current ? { outcome: 'skipped', status: current.status } : { outcome: 'missing' };
  }
  const channel = row.channel;

  if (row.campaign_status === 'cancelled') {
    await settleUnsent(ctx, deliveryId, row, 'failed', 'cancelled');
    return { outcome: 'skipped', status: 'failed' };
  }
  // Notices and surveys follow the resident's channel; a message they asked for (a one-time code)
  // goes where it was asked for.
  const route = row.campaign_id
    ? contactRoute(
        {
          hasPhone: row.phone_cipher !== null,
          preferredChannel: row.preferred_channel,
          accessibilityNeeds: row.accessibility_needs,
        },
        env.senders ?? {},
      )
    : channel;
  if (route === 'visit') {
    await settleUnsent(ctx, deliveryId, row, 'routed_to_visit', null);
    ctx.log.info({ deliveryId, channel }, 'delivery routed to a home visit');
    return { outcome: 'visit' };
  }
  if (route !== channel) {
    await release(ctx, deliveryId, row, route);
    ctx.log.info({ deliveryId, from: channel, to: route }, 'delivery moved to the resident’s channel');
    return { outcome: 'rerouted', channel: route };
  }
  if (row.opted_out) {
    await settleUnsent(ctx, deliveryId, row, 'skipped_opted_out', 'opted_out');
    return { outcome: 'opted_out' };
  }
  if (!row.phone_cipher) {
    await settleUnsent(ctx, deliveryId, row, 'failed', 'no_phone');
    return { outcome: 'failed', error: 'no_phone' };
  }
  const sender = env.senders?.[channel];
  if (!sender) {
    await settleUnsent(ctx, deliveryId, row, 'held_no_credentials', null);
    ctx.log.warn({ deliveryId, channel }, 'delivery held: no sender configured');
    return { outcome: 'held' };
  }
  // Quiet hours protect residents from what they did not ask for (campaign notices and surveys). A
  // message they are waiting for right now (a one-time code they just requested) goes at once; a
  // phone ringing at night is never what anybody waits for, so calls always wait.
  const until =
    row.campaign_id || channel === 'voice'
      ? quietHoursEnd(ctx.clock.now(), {
          startMinute: row.quiet_start_minute,
          endMinute: row.quiet_end_minute,
          timeZone: row.time_zone,
        })
      : undefined;
  if (until) {
    await release(ctx, deliveryId, row, channel);
    return { outcome: 'deferred', until };
  }
  if (row.possible_duplicate && row.previous_status === 'sending') {
    ctx.log.warn({ deliveryId, channel }, 'sending again a delivery whose earlier attempt may have gone out');
  }

  let result: SendResult;
  try {
    const message: OutboundMessage = {
      outboxId: deliveryId,
      channel,
      residentId: row.resident_id,
      locale: row.locale,
      body: row.body,
      to: ctx.pii.decryptPhone(row.phone_cipher),
      attempt: row.attempts,
    };
    result = await (env.pace ? env.pace(() => sender.send(message)) : sender.send(message));
  } catch (error) {
    // A sender should answer, not throw; whether the provider got the message is unknown.
    ctx.log.error({ err: error, deliveryId, channel }, 'sender threw');
    result = { ok: false, permanent: false, error: 'sender_error', uncertain: true };
  }

  if (result.ok) {
    await writes.markSent(deliveryId, result.providerId, ctx.clock.now());
    ctx.log.debug({ deliveryId, channel, providerId: result.providerId }, 'delivery sent');
    await rememberPrompt(ctx, writes, deliveryId, row, env.promptTtlMs ?? PROMPT_TTL_MS);
    return { outcome: 'sent', providerId: result.providerId, possibleDuplicate: row.possible_duplicate };
  }

  const error = result.code ?? result.error;
  if (result.permanent || finalAttempt) {
    const run = async (tx: Ctx) => {
      await settle(tx, deliveryId, 'failed', error);
      if (result.permanent) {
        await applyProviderErrorCode(tx, {
          residentId: row.resident_id,
          channel,
          deliveryId,
          code: result.code,
        });
      }
    };
    await ctx.db.transaction((tx) => run(withDb(ctx, tx)));
    ctx.log.warn({ deliveryId, channel, error, permanent: result.permanent }, 'delivery failed');
    return { outcome: 'failed', error };
  }
  await ctx.db
    .update(deliveries)
    .set({
      // Uncertain: the provider may have it, so the retry must be flagged as a possible duplicate.
      status: result.uncertain ? 'sending' : 'queued',
      error,
      updatedAt: ctx.clock.now(),
    })
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.status, 'sending')));
  ctx.log.warn({ deliveryId, channel, error }, 'delivery will be retried');
  return { outcome: 'retry', error };
}

/** Ends a delivery after a send attempt (failed for good). */
async function settle(
  ctx: Ctx,
  deliveryId: string,
  status: DeliveryStatus,
  error: string | null,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db
    .update(deliveries)
    .set({ status, error, finishedAt: now, updatedAt: now })
    .where(and(eq(deliveries.id, deliveryId), inArray(deliveries.status, WAITING)));
}

/** Ends a claimed delivery without sending it: the claim is undone, so no attempt is recorded. */
async function settleUnsent(
  ctx: Ctx,
  deliveryId: string,
  row: ClaimedRow,
  status: DeliveryStatus,
  error: string | null,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db
    .update(deliveries)
    .set({
      status,
      error,
      attempts: sql`${deliveries.attempts} - 1`,
      possibleDuplicate: row.previous_duplicate,
      sendingAt: row.previous_sending_at === null ? null : new Date(row.previous_sending_at),
      finishedAt: status === 'held_no_credentials' ? null : now,
      updatedAt: now,
    })
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.status, 'sending')));
}

/** After a survey or a topic notice went out, a bare "1" in the reply answers it. */
async function rememberPrompt(
  ctx: Ctx,
  writes: DeliveryWrites,
  deliveryId: string,
  row: ClaimedRow,
  ttlMs: number,
): Promise<void> {
  if (!row.campaign_id) return;
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const common = {
    residentId: row.resident_id,
    channel: row.channel,
    campaignId: row.campaign_id,
    deliveryId,
    expiresAt,
  };
  try {
    if (row.campaign_kind === 'survey' && row.survey_id && row.first_question_id) {
      await writes.rememberPrompt(
        {
          ...common,
          kind: 'survey_question',
          surveyId: row.survey_id,
          questionId: row.first_question_id,
          ...(row.topic_id ? { topicId: row.topic_id } : {}),
        },
        now,
      );
    } else if (row.campaign_kind === 'notice' && row.topic_id) {
      if (row.asks_stance) {
        await writes.rememberPrompt({ ...common, kind: 'topic_notice', topicId: row.topic_id }, now);
      } else {
        await writes.forgetStancePrompt(row.resident_id, row.topic_id);
      }
    }
  } catch (error) {
    // The message is out; losing the prompt only means a bare "1" gets a clarifying question.
    ctx.log.error({ err: error, deliveryId }, 'could not remember the prompt just sent');
  }
}
