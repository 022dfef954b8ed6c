import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { proxyVisits } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { lockOwnVisit } from './lock-own-visit.ts';
import { requireProxyWriter } from './proxy-actor.ts';
import { parseProxyInput } from './proxy-input.ts';
import { closeExpiredVisit } from './start-proxy-visit.ts';
import { isVisitOpen } from './visit-rules.ts';

export const endProxyVisitInput = z.object({ visitId: z.uuid() });

/**
 * Ends the acting proxy's visit. Idempotent: an ended visit stays as it was; one that ran past its
 * time is recorded as expired at its expiry, not as ended now. Audited.
 */
export async function endProxyVisit(
  ctx: Ctx,
  input: z.input<typeof endProxyVisitInput>,
): Promise<{ endedAt: Date; reason: string }> {
  const { staffId } = requireProxyWriter(ctx);
  const { visitId } = parseProxyInput(endProxyVisitInput, input);
  return ctx.db.transaction(async (db) => {
    const tx = withDb(ctx, db);
    const visit = await lockOwnVisit(tx, staffId, visitId);
    if (visit.endedAt) return { endedAt: visit.endedAt, reason: visit.endedReason ?? 'finished' };
    const now = tx.clock.now();
    if (!isVisitOpen(visit, now)) {
      await closeExpiredVisit(tx, visit);
      return { endedAt: visit.expiresAt, reason: 'expired' };
    }
    await tx.db
      .update(proxyVisits)
      .set({ endedAt: now, endedReason: 'finished' })
      .where(and(eq(proxyVisits.id, visit.id), isNull(proxyVisits.endedAt)));
    await appendAudit(tx, {
      action: 'proxy.visit_ended',
      subjectType: 'proxy_visit',
      subjectId: visit.id,
      data: { residentId: visit.residentId },
    });
    return { endedAt: now, reason: 'finished' };
  });
}
