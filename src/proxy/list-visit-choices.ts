import { and, asc, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { type LocalizedText, type QuestionKind, surveyQuestions, surveys, topics } from '../db/schema.ts';
import { OPEN_FOR_OPINIONS, OPEN_FOR_VOTES } from '../pipeline/ingest.ts';
import { requireProxyWriter } from './proxy-actor.ts';

export interface ChoiceTopic {
  id: string;
  code: string;
  title: LocalizedText;
}

export interface ChoiceSurvey {
  code: string;
  title: LocalizedText;
  questions: { id: string; position: number; kind: QuestionKind; prompt: LocalizedText }[];
}

export interface VisitChoices {
  /** Topics taking opinions (on public notice or in deliberation). */
  opinionTopics: ChoiceTopic[];
  /** Topics being deliberated: the gateway takes remote (and so proxied) votes on them. */
  voteTopics: ChoiceTopic[];
  /** Surveys residents are being asked now: about topics under evaluation, or about no topic. */
  surveys: ChoiceSurvey[];
}

const MAX_SURVEYS = 20;

/** What can be recorded on a visit: the open topics and the current surveys with their questions. */
export async function listVisitChoices(ctx: Ctx): Promise<VisitChoices> {
  requireProxyWriter(ctx);
  const open = await ctx.db
    .select({
      id: topics.id,
      code: topics.code,
      title: topics.title,
      status: topics.status,
      number: topics.number,
    })
    .from(topics)
    .where(inArray(topics.status, [...new Set([...OPEN_FOR_OPINIONS, ...OPEN_FOR_VOTES])]))
    .orderBy(asc(topics.number));
  const strip = ({ id, code, title }: (typeof open)[number]): ChoiceTopic => ({ id, code, title });
  const current = await ctx.db
    .select({ id: surveys.id, code: surveys.code, title: surveys.title })
    .from(surveys)
    .leftJoin(topics, eq(topics.id, surveys.topicId))
    .where(or(isNull(surveys.topicId), and(eq(topics.status, 'evaluating'))))
    .orderBy(desc(surveys.number))
    .limit(MAX_SURVEYS);
  const questions = current.length
    ? await ctx.db
        .select({
          surveyId: surveyQuestions.surveyId,
          id: surveyQuestions.id,
          position: surveyQuestions.position,
          kind: surveyQuestions.kind,
          prompt: surveyQuestions.prompt,
        })
        .from(surveyQuestions)
        .where(
          inArray(
            surveyQuestions.surveyId,
            current.map((s) => s.id),
          ),
        )
        .orderBy(asc(surveyQuestions.position))
    : [];
  return {
    opinionTopics: open.filter((t) => OPEN_FOR_OPINIONS.includes(t.status)).map(strip),
    voteTopics: open.filter((t) => OPEN_FOR_VOTES.includes(t.status)).map(strip),
    surveys: current
      .map((s) => ({
        code: s.code,
        title: s.title,
        questions: questions.filter((q) => q.surveyId === s.id).map(({ surveyId: _s, ...q }) => q),
      }))
      .filter((s) => s.questions.length > 0),
  };
}
