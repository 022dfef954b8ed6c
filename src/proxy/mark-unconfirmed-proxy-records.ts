import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import { type Ctx, withDb } from '../core/context.ts';
import { proxyConfirmations, proxyRecords } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';

const BATCH = 500;

/**
 * Records whose resident was asked by SMS or call and has not answered within three days become
 * `unconfirmed`: still counted, shown as such, and still answerable later. Each change is audited.
 * Run by a repeating maintenance job; safe to run concurrently and repeatedly.
 */
export async function markUnconfirmedProxyRecords(ctx: Ctx): Promise<{ marked: number }> {
  let marked = 0;
  for (;;) {
    const done = await ctx.db.transaction(async (db) => {
      const tx = withDb(ctx, db);
      const now = tx.clock.now();
      const due = await tx.db
        .select({
          recordId: proxyConfirmations.recordId,
          residentId: proxyConfirmations.residentId,
          channel: proxyConfirmations.channel,
          dueAt: proxyConfirmations.dueAt,
          proxyStaffId: proxyRecords.proxyStaffId,
        })
        .from(proxyConfirmations)
        .innerJoin(proxyRecords, eq(proxyRecords.id, proxyConfirmations.recordId))
        .where(and(eq(proxyConfirmations.status, 'awaiting_reply'), lte(proxyConfirmations.dueAt, now)))
        .orderBy(asc(proxyConfirmations.dueAt))
        .limit(BATCH)
        .for('update', { of: proxyConfirmations, skipLocked: true });
      if (due.length === 0) return 0;
      await tx.db
        .update(proxyConfirmations)
        .set({ status: 'unconfirmed', updatedAt: now })
        .where(
          and(
            inArray(
              proxyConfirmations.recordId,
              due.map((d) => d.recordId),
            ),
            eq(proxyConfirmations.status, 'awaiting_reply'),
          ),
        );
      for (const d of due) {
        await appendAudit(tx, {
          action: 'proxy.record_unconfirmed',
          subjectType: 'proxy_record',
          subjectId: d.recordId,
          data: {
            residentId: d.residentId,
            proxyStaffId: d.proxyStaffId,
            channel: d.channel,
            dueAt: d.dueAt.toISOString(),
          },
        });
      }
      return due.length;
    });
    marked += done;
    if (done < BATCH) break;
  }
  if (marked > 0) ctx.log.info({ marked }, 'proxy records past their confirmation window marked unconfirmed');
  return { marked };
}
