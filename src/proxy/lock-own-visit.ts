import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { proxyVisits } from '../db/schema.ts';

/**
 * The acting proxy's own visit, locked for the rest of the transaction so that ending and extending
 * it cannot interleave. Another proxy's visit is reported as not found, never as forbidden.
 */
export async function lockOwnVisit(tx: Ctx, staffId: string, visitId: string) {
  const [visit] = await tx.db
    .select()
    .from(proxyVisits)
    .where(and(eq(proxyVisits.id, visitId), eq(proxyVisits.proxyStaffId, staffId)))
    .for('update');
  if (!visit) throw new ServiceError('not_found', 'proxy:errors.visitNotFound');
  return visit;
}
