import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { communities, type Locale, type LocalizedText, proxyVisits, residents } from '../db/schema.ts';
import { requireProxyWriter } from './proxy-actor.ts';
import type { ProxyVisit } from './start-proxy-visit.ts';
import { isVisitOpen } from './visit-rules.ts';

export interface VisitResident {
  id: string;
  name: string | null;
  communityName: LocalizedText | null;
  preferredLocale: Locale | null;
  hasPhone: boolean;
}

export interface ProxyVisitView {
  visit: ProxyVisit;
  resident: VisitResident;
  /** `open` accepts records; `expired` ran past its time without being ended; `ended` was ended. */
  state: 'open' | 'expired' | 'ended';
}

async function residentOf(ctx: Ctx, residentId: string): Promise<VisitResident> {
  const [row] = await ctx.db
    .select({
      id: residents.id,
      name: residents.name,
      communityName: communities.name,
      preferredLocale: residents.preferredLocale,
      phoneCipher: residents.phoneCipher,
    })
    .from(residents)
    .leftJoin(communities, eq(communities.id, residents.communityId))
    .where(eq(residents.id, residentId));
  if (!row) throw new Error(`visit resident ${residentId} is missing`);
  return {
    id: row.id,
    name: row.name,
    communityName: row.communityName,
    preferredLocale: row.preferredLocale,
    hasPhone: row.phoneCipher !== null,
  };
}

function stateOf(visit: ProxyVisit, now: Date): ProxyVisitView['state'] {
  if (visit.endedAt) return 'ended';
  return isVisitOpen(visit, now) ? 'open' : 'expired';
}

/**
 * The acting proxy's current visit: the one not yet ended (open, or expired without being ended), or
 * undefined when there is none.
 */
export async function getCurrentProxyVisit(ctx: Ctx): Promise<ProxyVisitView | undefined> {
  const { staffId } = requireProxyWriter(ctx);
  const [visit] = await ctx.db
    .select()
    .from(proxyVisits)
    .where(and(eq(proxyVisits.proxyStaffId, staffId), isNull(proxyVisits.endedAt)))
    .orderBy(desc(proxyVisits.startedAt))
    .limit(1);
  if (!visit) return undefined;
  return { visit, resident: await residentOf(ctx, visit.residentId), state: stateOf(visit, ctx.clock.now()) };
}

/** One of the acting proxy's visits, whatever its state; not_found for anyone else's. */
export async function getOwnProxyVisit(ctx: Ctx, input: { visitId: string }): Promise<ProxyVisitView> {
  const { staffId } = requireProxyWriter(ctx);
  const [visit] = /^[0-9a-f-]{36}$/i.test(input.visitId)
    ? await ctx.db
        .select()
        .from(proxyVisits)
        .where(and(eq(proxyVisits.id, input.visitId), eq(proxyVisits.proxyStaffId, staffId)))
    : [];
  if (!visit) throw new ServiceError('not_found', 'proxy:errors.visitNotFound');
  return { visit, resident: await residentOf(ctx, visit.residentId), state: stateOf(visit, ctx.clock.now()) };
}
