import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { type LocalizedText, residents, type TopicStatus, topics } from '../db/schema.ts';
import { OPEN_FOR_OPINIONS } from '../pipeline/ingest.ts';

export interface OpenTopic {
  id: string;
  code: string;
  number: number;
  status: TopicStatus;
  title: LocalizedText;
  summary: LocalizedText;
}

/**
 * Topics a caller can give an opinion on now (on public notice or being deliberated), newest
 * published first. A caller from a known community hears that community's topics and the street-wide
 * ones; an anonymous caller hears them all.
 */
export async function listOpenTopics(
  ctx: Ctx,
  input: { residentId?: string | null | undefined } = {},
): Promise<OpenTopic[]> {
  const open = inArray(topics.status, [...OPEN_FOR_OPINIONS]);
  // The caller's community is read in the same statement: this runs on every listing.
  const where = input.residentId
    ? and(
        open,
        or(
          isNull(topics.communityId),
          eq(
            topics.communityId,
            sql`(select ${residents.communityId} from ${residents} where ${residents.id} = ${input.residentId})`,
          ),
          sql`(select ${residents.communityId} from ${residents} where ${residents.id} = ${input.residentId}) is null`,
        ),
      )
    : open;
  return ctx.db
    .select({
      id: topics.id,
      code: topics.code,
      number: topics.number,
      status: topics.status,
      title: topics.title,
      summary: topics.summary,
    })
    .from(topics)
    .where(where)
    .orderBy(sql`${topics.publishedAt} desc nulls last`, desc(topics.number))
    .limit(200);
}
