import { asc } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { communities, type LocalizedText } from '../db/schema.ts';

export interface CommunitySummary {
  id: string;
  code: string;
  name: LocalizedText;
}

/** Every community, by code: what residents can filter topics by. */
export async function listCommunities(ctx: Ctx): Promise<CommunitySummary[]> {
  return ctx.db
    .select({ id: communities.id, code: communities.code, name: communities.name })
    .from(communities)
    .orderBy(asc(communities.code));
}
