import { asc } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { communities, grids, type LocalizedText } from '../db/schema.ts';

export interface Places {
  communities: { id: string; code: string; name: LocalizedText }[];
  grids: { id: string; communityId: string; code: string; name: LocalizedText }[];
}

/** Communities and grids by code, for naming where needs came from. */
export async function listPlaces(ctx: Ctx): Promise<Places> {
  const [c, g] = await Promise.all([
    ctx.db
      .select({ id: communities.id, code: communities.code, name: communities.name })
      .from(communities)
      .orderBy(asc(communities.code)),
    ctx.db
      .select({ id: grids.id, communityId: grids.communityId, code: grids.code, name: grids.name })
      .from(grids)
      .orderBy(asc(grids.code)),
  ]);
  return { communities: c, grids: g };
}
