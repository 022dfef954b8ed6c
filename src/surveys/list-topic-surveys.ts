import { asc, eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { type LocalizedText, surveys } from '../db/schema.ts';
import { isUuid } from '../topics/topic-input.ts';

/** The satisfaction surveys about a topic, oldest first. */
export async function listTopicSurveys(
  ctx: Ctx,
  input: { topicId: string },
): Promise<{ code: string; title: LocalizedText }[]> {
  if (!isUuid(input.topicId)) return [];
  return ctx.db
    .select({ code: surveys.code, title: surveys.title })
    .from(surveys)
    .where(eq(surveys.topicId, input.topicId))
    .orderBy(asc(surveys.number));
}
