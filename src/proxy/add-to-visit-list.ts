import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { proxyVisitList, residents, topics, VISIT_LIST_REASONS } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { parseProxyInput } from './proxy-input.ts';

export const addToVisitListInput = z.object({
  residentId: z.uuid(),
  reason: z.enum(VISIT_LIST_REASONS),
  topicId: z.uuid().optional(),
  note: z.string().trim().max(500, { error: 'proxy:errors.tooLong' }).optional(),
  /** Who must not make the visit: the proxy whose record a second visit is to check. */
  excludedStaffId: z.uuid().optional(),
});
export type AddToVisitListInput = z.input<typeof addToVisitListInput>;

export type VisitListItem = typeof proxyVisitList.$inferSelect;

/**
 * Puts a resident on the list of homes for grid workers to visit (the proxy console shows it to the
 * grid workers of the resident's community). Idempotent per open (resident, reason, topic): a repeat
 * returns the open item unchanged. Audited.
 */
export async function addToVisitList(
  ctx: Ctx,
  input: AddToVisitListInput,
): Promise<{ item: VisitListItem; created: boolean }> {
  const data = parseProxyInput(addToVisitListInput, input);
  if (
    ctx.actor.type === 'resident' &&
    (ctx.actor.residentId !== data.residentId || data.reason !== 'home_visit_request')
  ) {
    throw new ServiceError('forbidden', 'proxy:errors.forbidden');
  }
  const run = async (tx: Ctx): Promise<{ item: VisitListItem; created: boolean }> => {
    const [resident] = await tx.db
      .select({ id: residents.id, communityId: residents.communityId })
      .from(residents)
      .where(eq(residents.id, data.residentId));
    if (!resident) throw new ServiceError('not_found', 'proxy:errors.residentNotFound');
    if (data.topicId) {
      const [topic] = await tx.db.select({ id: topics.id }).from(topics).where(eq(topics.id, data.topicId));
      if (!topic) throw new ServiceError('not_found', 'proxy:errors.topicNotFound');
    }
    const open = () =>
      tx.db
        .select()
        .from(proxyVisitList)
        .where(
          and(
            eq(proxyVisitList.residentId, data.residentId),
            eq(proxyVisitList.reason, data.reason),
            eq(proxyVisitList.status, 'open'),
            data.topicId ? eq(proxyVisitList.topicId, data.topicId) : sql`${proxyVisitList.topicId} is null`,
          ),
        )
        .limit(1);
    const [existing] = await open();
    if (existing) return { item: existing, created: false };
    const [inserted] = await tx.db
      .insert(proxyVisitList)
      .values({
        residentId: data.residentId,
        reason: data.reason,
        topicId: data.topicId ?? null,
        note: data.note || null,
        communityId: resident.communityId,
        excludedStaffId: data.excludedStaffId ?? null,
        createdAt: tx.clock.now(),
      })
      // A concurrent call for the same open item won: the partial unique index says so.
      .onConflictDoNothing()
      .returning();
    if (!inserted) {
      const [winner] = await open();
      if (!winner) throw new Error('visit-list item vanished after a conflict');
      return { item: winner, created: false };
    }
    await appendAudit(tx, {
      action: 'proxy.visit_list_added',
      subjectType: 'visit_list_item',
      subjectId: inserted.id,
      data: {
        residentId: data.residentId,
        reason: data.reason,
        topicId: data.topicId ?? null,
        excludedStaffId: data.excludedStaffId ?? null,
      },
    });
    return { item: inserted, created: true };
  };
  return 'rollback' in ctx.db ? run(ctx) : ctx.db.transaction((tx) => run(withDb(ctx, tx)));
}
