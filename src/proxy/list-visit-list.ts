import { and, desc, eq, gte, inArray, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import {
  communities,
  deliveries,
  type LocalizedText,
  proxyConfirmations,
  proxyRecords,
  proxyVisitList,
  residents,
  staff,
  topics,
  type VisitListReason,
} from '../db/schema.ts';
import { requireProxyWriter } from './proxy-actor.ts';

/** Messages routed to a visit stay on the list this long. */
export const ROUTED_DELIVERY_WINDOW_MS = 30 * 24 * 60 * 60_000;

export interface VisitListEntry {
  id: string;
  reason: VisitListReason;
  residentId: string;
  residentName: string | null;
  communityName: LocalizedText | null;
  topicCode: string | null;
  note: string | null;
  createdAt: Date;
  /** Second visits: records by other proxies waiting for this resident's answer. */
  awaitingRecords: number;
}

export interface VisitListDelivery {
  deliveryId: string;
  residentId: string;
  residentName: string | null;
  communityName: LocalizedText | null;
  body: string;
  createdAt: Date;
}

async function myCommunities(ctx: Ctx, staffId: string): Promise<string[]> {
  const [me] = await ctx.db
    .select({ communityIds: staff.communityIds })
    .from(staff)
    .where(eq(staff.id, staffId));
  return me?.communityIds ?? [];
}

/**
 * The homes this proxy should visit: open list items in their communities (everywhere for a proxy
 * assigned to none) — second visits only where records by someone else await an answer, never their
 * own — and recent messages the outbox could not send because the resident cannot read them.
 */
export async function listVisitList(
  ctx: Ctx,
): Promise<{ items: VisitListEntry[]; deliveries: VisitListDelivery[] }> {
  const { staffId } = requireProxyWriter(ctx);
  const mine = await myCommunities(ctx, staffId);
  const inMine = (column: typeof residents.communityId): SQL | undefined =>
    mine.length === 0 ? undefined : inArray(column, mine);

  const awaiting = sql<number>`(
    select count(*)::int from ${proxyConfirmations}
    join ${proxyRecords} on ${proxyRecords.id} = ${proxyConfirmations.recordId}
    where ${proxyConfirmations.residentId} = ${proxyVisitList.residentId}
      and ${proxyConfirmations.status} = 'awaiting_visit'
      and ${proxyRecords.proxyStaffId} <> ${staffId}
  )`;
  const rows = await ctx.db
    .select({
      id: proxyVisitList.id,
      reason: proxyVisitList.reason,
      residentId: proxyVisitList.residentId,
      residentName: residents.name,
      communityName: communities.name,
      topicCode: topics.code,
      note: proxyVisitList.note,
      createdAt: proxyVisitList.createdAt,
      awaitingRecords: awaiting,
    })
    .from(proxyVisitList)
    .innerJoin(residents, eq(residents.id, proxyVisitList.residentId))
    .leftJoin(communities, eq(communities.id, residents.communityId))
    .leftJoin(topics, eq(topics.id, proxyVisitList.topicId))
    .where(
      and(
        eq(proxyVisitList.status, 'open'),
        inMine(residents.communityId),
        or(isNull(proxyVisitList.excludedStaffId), ne(proxyVisitList.excludedStaffId, staffId)),
      ),
    )
    .orderBy(desc(proxyVisitList.createdAt))
    .limit(200);
  const items = rows.filter((r) => r.reason !== 'second_visit' || r.awaitingRecords > 0);

  const since = new Date(ctx.clock.now().getTime() - ROUTED_DELIVERY_WINDOW_MS);
  const routed = await ctx.db
    .select({
      deliveryId: deliveries.id,
      residentId: deliveries.residentId,
      residentName: residents.name,
      communityName: communities.name,
      body: deliveries.body,
      createdAt: deliveries.createdAt,
    })
    .from(deliveries)
    .innerJoin(residents, eq(residents.id, deliveries.residentId))
    .leftJoin(communities, eq(communities.id, residents.communityId))
    .leftJoin(proxyVisitList, eq(proxyVisitList.deliveryId, deliveries.id))
    .where(
      and(
        eq(deliveries.status, 'routed_to_visit'),
        gte(deliveries.createdAt, since),
        isNull(proxyVisitList.id),
        inMine(residents.communityId),
      ),
    )
    .orderBy(desc(deliveries.createdAt))
    .limit(200);
  return { items, deliveries: routed };
}
