import { and, eq, isNull, ne, or } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { deliveries, proxyVisitList, residents } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireProxyWriter } from './proxy-actor.ts';
import { parseProxyInput } from './proxy-input.ts';

const note = z.string().trim().max(500, { error: 'proxy:errors.tooLong' }).optional();

export const closeVisitListItemInput = z.object({ itemId: z.uuid(), note });

/** Marks a visit-list item done (the visit was made). Idempotent; audited. */
export async function closeVisitListItem(
  ctx: Ctx,
  input: z.input<typeof closeVisitListItemInput>,
): Promise<{ closed: boolean }> {
  const { staffId } = requireProxyWriter(ctx);
  const data = parseProxyInput(closeVisitListItemInput, input);
  return ctx.db.transaction(async (db) => {
    const tx = withDb(ctx, db);
    const [item] = await tx.db
      .select()
      .from(proxyVisitList)
      .where(
        and(
          eq(proxyVisitList.id, data.itemId),
          or(isNull(proxyVisitList.excludedStaffId), ne(proxyVisitList.excludedStaffId, staffId)),
        ),
      );
    if (!item) throw new ServiceError('not_found', 'proxy:errors.visitListItemNotFound');
    if (item.status === 'done') return { closed: false };
    const now = tx.clock.now();
    await tx.db
      .update(proxyVisitList)
      .set({ status: 'done', closedAt: now, closedBy: staffId, closedNote: data.note || null })
      .where(and(eq(proxyVisitList.id, item.id), eq(proxyVisitList.status, 'open')));
    await appendAudit(tx, {
      action: 'proxy.visit_list_closed',
      subjectType: 'visit_list_item',
      subjectId: item.id,
      data: { residentId: item.residentId, reason: item.reason, note: data.note || null },
    });
    return { closed: true };
  });
}

export const markDeliveryVisitedInput = z.object({ deliveryId: z.uuid(), note });

/**
 * Records that a message the resident could not read was read to them on a visit: a closed list item
 * for the delivery (at most one). Audited.
 */
export async function markDeliveryVisited(
  ctx: Ctx,
  input: z.input<typeof markDeliveryVisitedInput>,
): Promise<{ recorded: boolean }> {
  const { staffId } = requireProxyWriter(ctx);
  const data = parseProxyInput(markDeliveryVisitedInput, input);
  return ctx.db.transaction(async (db) => {
    const tx = withDb(ctx, db);
    const [delivery] = await tx.db
      .select({ id: deliveries.id, residentId: deliveries.residentId, communityId: residents.communityId })
      .from(deliveries)
      .innerJoin(residents, eq(residents.id, deliveries.residentId))
      .where(and(eq(deliveries.id, data.deliveryId), eq(deliveries.status, 'routed_to_visit')));
    if (!delivery) throw new ServiceError('not_found', 'proxy:errors.visitListItemNotFound');
    const now = tx.clock.now();
    const [item] = await tx.db
      .insert(proxyVisitList)
      .values({
        residentId: delivery.residentId,
        reason: 'cannot_read_delivery',
        deliveryId: delivery.id,
        communityId: delivery.communityId,
        status: 'done',
        createdAt: now,
        closedAt: now,
        closedBy: staffId,
        closedNote: data.note || null,
      })
      .onConflictDoNothing()
      .returning({ id: proxyVisitList.id });
    if (!item) return { recorded: false };
    await appendAudit(tx, {
      action: 'proxy.delivery_read_on_visit',
      subjectType: 'delivery',
      subjectId: delivery.id,
      data: { residentId: delivery.residentId, visitListItemId: item.id, note: data.note || null },
    });
    return { recorded: true };
  });
}
