import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { proxyVisits } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { lockOwnVisit } from './lock-own-visit.ts';
import { requireProxyWriter } from './proxy-actor.ts';
import { parseProxyInput } from './proxy-input.ts';
import { isVisitOpen, MAX_VISIT_EXTENSIONS, VISIT_TTL_MS } from './visit-rules.ts';

export const extendProxyVisitInput = z.object({ visitId: z.uuid() });

/**
 * Gives an open visit another 30 minutes from now (at most three times), so a slow conversation is
 * never cut off; a visit that has already expired cannot be revived. Audited.
 */
export async function extendProxyVisit(
  ctx: Ctx,
  input: z.input<typeof extendProxyVisitInput>,
): Promise<{ expiresAt: Date; extensions: number }> {
  const { staffId } = requireProxyWriter(ctx);
  const { visitId } = parseProxyInput(extendProxyVisitInput, input);
  return ctx.db.transaction(async (db) => {
    const tx = withDb(ctx, db);
    const visit = await lockOwnVisit(tx, staffId, visitId);
    const now = tx.clock.now();
    if (!isVisitOpen(visit, now)) throw new ServiceError('conflict', 'proxy:errors.visitNotOpen');
    if (visit.extensions >= MAX_VISIT_EXTENSIONS) {
      throw new ServiceError('conflict', 'proxy:errors.noMoreExtensions', {
        params: { maximum: MAX_VISIT_EXTENSIONS },
      });
    }
    const expiresAt = new Date(now.getTime() + VISIT_TTL_MS);
    const extensions = visit.extensions + 1;
    await tx.db
      .update(proxyVisits)
      .set({ expiresAt, extensions })
      .where(and(eq(proxyVisits.id, visit.id), isNull(proxyVisits.endedAt)));
    await appendAudit(tx, {
      action: 'proxy.visit_extended',
      subjectType: 'proxy_visit',
      subjectId: visit.id,
      data: { residentId: visit.residentId, expiresAt: expiresAt.toISOString(), extensions },
    });
    return { expiresAt, extensions };
  });
}
