import { eq, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { DELIVERY_STATUSES, type DeliveryStatus, deliveries } from '../db/schema.ts';
import { applyProviderErrorCode, RECIPIENT_OPTED_OUT_CODE } from './provider-error-effects.ts';

/**
 * How far along a delivery is. Provider callbacks arrive out of order, so a status only ever replaces
 * one of lower rank; the three outcomes are final and equal. Statuses outside the ladder (held,
 * skipped, routed to a visit) never went to a provider and are never changed by a callback.
 */
export const DELIVERY_STATUS_RANK: Partial<Record<DeliveryStatus, number>> = {
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
};
const FINAL_RANK = 3;

export const recordDeliveryStatusInput = z
  .object({
    deliveryId: z.uuid().optional(),
    /** The provider's message id (Twilio MessageSid), when the delivery id is not known. */
    providerId: z.string().trim().min(1).max(64).optional(),
    status: z.enum(DELIVERY_STATUSES),
    /** The provider's error code (e.g. 30003, 21610); never a phone number. */
    errorCode: z
      .string()
      .trim()
      .max(16)
      .transform((v) => (v === '' ? undefined : v))
      .optional(),
  })
  .refine((i) => i.deliveryId !== undefined || i.providerId !== undefined, {
    message: 'deliveryId or providerId is required',
    path: ['deliveryId'],
  });
export type RecordDeliveryStatusInput = z.input<typeof recordDeliveryStatusInput>;

export type RecordDeliveryStatusOutcome =
  | { outcome: 'updated'; deliveryId: string; from: DeliveryStatus; status: DeliveryStatus }
  /** Known delivery, but the status is not ahead of the one it has (a late or repeated callback). */
  | { outcome: 'unchanged'; deliveryId: string; status: DeliveryStatus }
  | { outcome: 'not_found' };

function rankSql(column: typeof deliveries.status): SQL {
  return sql`(case ${column} when 'queued' then 0 when 'sending' then 1 when 'sent' then 2 when 'delivered' then 3 when 'undelivered' then 3 when 'failed' then 3 else 99 end)`;
}

/**
 * Records a status reported by the provider (a status callback), moving the delivery only forward:
 * queued < sending < sent < delivered | undelivered | failed. A late 'sent' after 'delivered' changes
 * nothing. An opt-out at the carrier (21610) opts the resident out of the channel; an unreachable number
 * (21211, 21614) flags the resident. Finds the delivery by id, else by the provider's message id.
 */
export async function recordDeliveryStatus(
  ctx: Ctx,
  input: RecordDeliveryStatusInput,
): Promise<RecordDeliveryStatusOutcome> {
  const parsed = recordDeliveryStatusInput.safeParse(input);
  if (!parsed.success) {
    throw new ServiceError('validation_failed', 'ops:errors.code.validation_failed', {
      fields: parsed.error.issues.map((issue) => ({
        field: issue.path.join('.') || 'input',
        key: 'ops:errors.code.validation_failed',
      })),
    });
  }
  const { deliveryId, providerId, status, errorCode } = parsed.data;
  const rank = DELIVERY_STATUS_RANK[status];
  const match = deliveryId ? eq(deliveries.id, deliveryId) : eq(deliveries.providerId, providerId ?? '');

  const run = async (tx: Ctx) => {
    const [current] = await tx.db
      .select({
        id: deliveries.id,
        status: deliveries.status,
        residentId: deliveries.residentId,
        channel: deliveries.channel,
      })
      .from(deliveries)
      .where(match)
      .limit(1)
      .for('update');
    if (!current) return { outcome: 'not_found' } as const;

    let result: RecordDeliveryStatusOutcome = {
      outcome: 'unchanged',
      deliveryId: current.id,
      status: current.status,
    };
    if (rank !== undefined) {
      const now = tx.clock.now();
      const [updated] = await tx.db
        .update(deliveries)
        .set({
          status,
          providerId: providerId ? sql`coalesce(${deliveries.providerId}, ${providerId})` : undefined,
          error: errorCode ?? sql`${deliveries.error}`,
          sentAt:
            rank >= 2 ? sql`coalesce(${deliveries.sentAt}, ${now.toISOString()}::timestamptz)` : undefined,
          finishedAt: rank === FINAL_RANK ? now : undefined,
          updatedAt: now,
        })
        .where(sql`${deliveries.id} = ${current.id} and ${rankSql(deliveries.status)} < ${rank}`)
        .returning({ status: deliveries.status });
      if (updated) {
        result = { outcome: 'updated', deliveryId: current.id, from: current.status, status: updated.status };
        await applyProviderErrorCode(tx, {
          residentId: current.residentId,
          channel: current.channel,
          deliveryId: current.id,
          code: errorCode,
        });
      }
    }
    // The carrier's opt-out holds even when the callback came too late to change the status.
    if (result.outcome === 'unchanged' && errorCode === RECIPIENT_OPTED_OUT_CODE) {
      await applyProviderErrorCode(tx, {
        residentId: current.residentId,
        channel: current.channel,
        deliveryId: current.id,
        code: errorCode,
      });
    }
    return result;
  };
  const outcome =
    'rollback' in ctx.db ? await run(ctx) : await ctx.db.transaction((tx) => run(withDb(ctx, tx)));
  ctx.log.debug(
    { deliveryId: deliveryId ?? null, status, errorCode, outcome: outcome.outcome },
    'delivery status',
  );
  return outcome;
}
