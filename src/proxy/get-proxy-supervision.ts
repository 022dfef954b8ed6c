import { and, desc, eq, gte, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import {
  type ConfirmationStatus,
  proxyAlerts,
  proxyConfirmations,
  proxyRecords,
  residents,
  staff,
  topics,
} from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import { detectProxyAnomalies, type ProxyAnomalies } from './proxy-anomalies.ts';
import { parseProxyInput } from './proxy-input.ts';
import { PROXY_SUPERVISOR_ROLES } from './proxy-roles.ts';

export const getProxySupervisionInput = z.object({
  /** How far back to look (days). */
  days: z.coerce.number().int().min(1).max(366).catch(30).default(30),
});

export type ConfirmationCounts = Record<ConfirmationStatus, number> & { total: number };

export interface ProxySupervisionRow {
  staffId: string;
  displayName: string;
  communityIds: string[];
  counts: ConfirmationCounts;
  /** Shares of the records that are not superseded, 0–1. */
  rates: { confirmed: number; disputed: number; unconfirmed: number; awaiting: number };
  anomalies: ProxyAnomalies;
}

export interface ProxyAlertRow {
  id: string;
  createdAt: Date;
  recordId: string;
  proxyName: string;
  residentName: string | null;
  readBackText: string;
  topicCode: string | null;
}

export interface ProxySupervision {
  since: Date;
  proxies: ProxySupervisionRow[];
  alerts: ProxyAlertRow[];
}

const DAY_MS = 24 * 60 * 60_000;

function emptyCounts(): ConfirmationCounts {
  return {
    total: 0,
    awaiting_reply: 0,
    awaiting_visit: 0,
    confirmed: 0,
    disputed: 0,
    unconfirmed: 0,
    superseded: 0,
  };
}

async function supervisorCommunities(ctx: Ctx): Promise<string[]> {
  if (ctx.actor.type !== 'staff') return [];
  const [me] = await ctx.db
    .select({ communityIds: staff.communityIds })
    .from(staff)
    .where(eq(staff.id, ctx.actor.staffId));
  return me?.communityIds ?? [];
}

/**
 * Per proxy over the last `days`: how many records, how many confirmed, disputed, unconfirmed or still
 * awaiting an answer, and the anomaly flags; plus the open alerts (disputed records). A supervisor
 * assigned to communities sees the records made there and the proxies working there.
 */
export async function getProxySupervision(
  ctx: Ctx,
  input: z.input<typeof getProxySupervisionInput> = {},
): Promise<ProxySupervision> {
  requireRole(ctx, PROXY_SUPERVISOR_ROLES);
  const { days } = parseProxyInput(getProxySupervisionInput, input);
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - days * DAY_MS);
  const mine = await supervisorCommunities(ctx);
  const overlaps = (ids: readonly string[]) => mine.length === 0 || ids.some((id) => mine.includes(id));

  const rows = await ctx.db
    .select({
      id: proxyRecords.id,
      residentId: proxyRecords.residentId,
      communityId: proxyRecords.communityId,
      text: proxyRecords.text,
      recordedAt: proxyRecords.recordedAt,
      status: proxyConfirmations.status,
      staffId: staff.id,
      displayName: staff.displayName,
      staffCommunities: staff.communityIds,
    })
    .from(proxyRecords)
    .innerJoin(staff, eq(staff.id, proxyRecords.proxyStaffId))
    .leftJoin(proxyConfirmations, eq(proxyConfirmations.recordId, proxyRecords.id))
    .where(gte(proxyRecords.recordedAt, since));
  const visible = rows.filter(
    (r) => overlaps(r.staffCommunities) || (r.communityId !== null && mine.includes(r.communityId)),
  );

  const byProxy = new Map<string, typeof visible>();
  for (const r of visible) byProxy.set(r.staffId, [...(byProxy.get(r.staffId) ?? []), r]);
  const proxies: ProxySupervisionRow[] = [...byProxy.values()].map((records) => {
    const first = records[0] as (typeof visible)[number];
    const counts = emptyCounts();
    for (const r of records) {
      counts.total += 1;
      counts[r.status ?? 'awaiting_reply'] += 1;
    }
    const live = counts.total - counts.superseded;
    const share = (n: number) => (live === 0 ? 0 : n / live);
    return {
      staffId: first.staffId,
      displayName: first.displayName,
      communityIds: first.staffCommunities,
      counts,
      rates: {
        confirmed: share(counts.confirmed),
        disputed: share(counts.disputed),
        unconfirmed: share(counts.unconfirmed),
        awaiting: share(counts.awaiting_reply + counts.awaiting_visit),
      },
      anomalies: detectProxyAnomalies(records, first.staffCommunities, now),
    };
  });
  // Flagged proxies first, then the most disputed.
  proxies.sort(
    (a, b) =>
      Number(b.anomalies.flagged) - Number(a.anomalies.flagged) ||
      b.rates.disputed - a.rates.disputed ||
      a.displayName.localeCompare(b.displayName),
  );

  const alertRows = await ctx.db
    .select({
      id: proxyAlerts.id,
      createdAt: proxyAlerts.createdAt,
      recordId: proxyAlerts.recordId,
      communityId: proxyAlerts.communityId,
      proxyName: staff.displayName,
      staffCommunities: staff.communityIds,
      residentName: residents.name,
      readBackText: proxyRecords.readBackText,
      topicCode: topics.code,
    })
    .from(proxyAlerts)
    .innerJoin(proxyRecords, eq(proxyRecords.id, proxyAlerts.recordId))
    .innerJoin(staff, eq(staff.id, proxyAlerts.proxyStaffId))
    .innerJoin(residents, eq(residents.id, proxyRecords.residentId))
    .leftJoin(topics, eq(topics.id, proxyRecords.topicId))
    .where(and(isNull(proxyAlerts.acknowledgedAt)))
    .orderBy(desc(proxyAlerts.createdAt))
    .limit(200);
  const alerts = alertRows
    .filter((a) => overlaps(a.staffCommunities) || (a.communityId !== null && mine.includes(a.communityId)))
    .map(({ communityId: _c, staffCommunities: _s, ...a }) => a);
  return { since, proxies, alerts };
}
