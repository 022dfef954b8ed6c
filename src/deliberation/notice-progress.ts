import { inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/database.ts';
import { campaigns, type DeliveryStatus, deliveries } from '../db/schema.ts';

export interface NoticeProgress {
  campaignId: string;
  code: string;
  /** Deliveries by status: queued, sent, held (no provider), routed to a home visit, opted out… */
  byStatus: Partial<Record<DeliveryStatus, number>>;
  total: number;
}

/** How far each notice campaign has got, by campaign id. */
export async function noticeProgress(
  db: DbOrTx,
  campaignIds: readonly string[],
): Promise<Map<string, NoticeProgress>> {
  const ids = [...new Set(campaignIds)];
  const out = new Map<string, NoticeProgress>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ id: campaigns.id, code: campaigns.code })
    .from(campaigns)
    .where(inArray(campaigns.id, ids));
  for (const r of rows) out.set(r.id, { campaignId: r.id, code: r.code, byStatus: {}, total: 0 });
  const counts = await db
    .select({ campaignId: deliveries.campaignId, status: deliveries.status, n: sql<number>`count(*)::int` })
    .from(deliveries)
    .where(inArray(deliveries.campaignId, ids))
    .groupBy(deliveries.campaignId, deliveries.status);
  for (const c of counts) {
    const entry = c.campaignId ? out.get(c.campaignId) : undefined;
    if (!entry) continue;
    entry.byStatus[c.status] = c.n;
    entry.total += c.n;
  }
  return out;
}

/** The progress of one campaign, if it exists. */
export async function oneNoticeProgress(
  db: DbOrTx,
  campaignId: string | null,
): Promise<NoticeProgress | null> {
  if (!campaignId) return null;
  return (await noticeProgress(db, [campaignId])).get(campaignId) ?? null;
}
