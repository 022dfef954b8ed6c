import { asc, eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { surveyQuestions, surveys, topics } from '../db/schema.ts';

export type Survey = typeof surveys.$inferSelect;
export type SurveyQuestion = typeof surveyQuestions.$inferSelect;

// Up to nine digits keeps the number inside PostgreSQL's integer range.
const SURVEY_CODE = /^s\s*(\d{1,9})$/i;

/**
 * A survey by the code residents quote ('S7', 's7'), with its topic's code and its questions in order;
 * undefined if there is none.
 */
export async function findSurveyByCode(
  ctx: Ctx,
  input: { code: string },
): Promise<{ survey: Survey; topicCode: string | null; questions: SurveyQuestion[] } | undefined> {
  const match = SURVEY_CODE.exec(input.code.normalize('NFKC').trim());
  const n = match?.[1] ? Number.parseInt(match[1], 10) : 0;
  if (n <= 0 || n > 2_147_483_647) return undefined;
  const [row] = await ctx.db
    .select({ survey: surveys, topicCode: topics.code })
    .from(surveys)
    .leftJoin(topics, eq(topics.id, surveys.topicId))
    .where(eq(surveys.number, n))
    .limit(1);
  if (!row) return undefined;
  const { survey, topicCode } = row;
  const questions = await ctx.db
    .select()
    .from(surveyQuestions)
    .where(eq(surveyQuestions.surveyId, survey.id))
    .orderBy(asc(surveyQuestions.position));
  return { survey, topicCode, questions };
}
