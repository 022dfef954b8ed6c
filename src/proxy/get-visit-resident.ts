import { eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { communities, type Locale, type LocalizedText, residents } from '../db/schema.ts';
import { requireProxyWriter } from './proxy-actor.ts';

export interface VisitResidentSummary {
  id: string;
  name: string | null;
  communityName: LocalizedText | null;
  preferredLocale: Locale | null;
}

/** What a proxy needs to know about a resident to start a visit or check records with them. */
export async function getVisitResident(
  ctx: Ctx,
  input: { residentId: string },
): Promise<VisitResidentSummary> {
  requireProxyWriter(ctx);
  const [row] = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.residentId)
    ? await ctx.db
        .select({
          id: residents.id,
          name: residents.name,
          communityName: communities.name,
          preferredLocale: residents.preferredLocale,
        })
        .from(residents)
        .leftJoin(communities, eq(communities.id, residents.communityId))
        .where(eq(residents.id, input.residentId))
    : [];
  if (!row) throw new ServiceError('not_found', 'proxy:errors.residentNotFound');
  return row;
}
