import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { proxyAlerts } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { parseProxyInput } from './proxy-input.ts';
import { PROXY_SUPERVISOR_ROLES } from './proxy-roles.ts';

export const acknowledgeProxyAlertInput = z.object({
  alertId: z.uuid(),
  /** What the supervisor did or found. */
  note: z
    .string()
    .trim()
    .min(1, { error: 'proxy:errors.alertNoteRequired' })
    .max(500, { error: 'proxy:errors.tooLong' }),
});

/** A supervisor notes what they did about a disputed record; the alert leaves the open list. Audited. */
export async function acknowledgeProxyAlert(
  ctx: Ctx,
  input: z.input<typeof acknowledgeProxyAlertInput>,
): Promise<{ acknowledged: boolean }> {
  requireRole(ctx, PROXY_SUPERVISOR_ROLES);
  const data = parseProxyInput(acknowledgeProxyAlertInput, input);
  const staffId = ctx.actor.type === 'staff' ? ctx.actor.staffId : null;
  return ctx.db.transaction(async (db) => {
    const tx = withDb(ctx, db);
    const [alert] = await tx.db.select().from(proxyAlerts).where(eq(proxyAlerts.id, data.alertId));
    if (!alert) throw new ServiceError('not_found', 'proxy:errors.alertNotFound');
    if (alert.acknowledgedAt) return { acknowledged: false };
    await tx.db
      .update(proxyAlerts)
      .set({ acknowledgedAt: tx.clock.now(), acknowledgedBy: staffId, acknowledgedNote: data.note })
      .where(and(eq(proxyAlerts.id, alert.id), isNull(proxyAlerts.acknowledgedAt)));
    await appendAudit(tx, {
      action: 'proxy.alert_acknowledged',
      subjectType: 'proxy_alert',
      subjectId: alert.id,
      data: { recordId: alert.recordId, note: data.note },
    });
    return { acknowledged: true };
  });
}
