import { asc, eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import {
  type LocalizedText,
  type PromptKind,
  pendingPrompts,
  type QuestionKind,
  surveyQuestions,
  surveys,
  type TopicStatus,
  topics,
} from '../db/schema.ts';

export interface PromptQuestion {
  id: string;
  /** Where the question is asked among the survey's questions, counting from 1. */
  ordinal: number;
  /** The stored position (1-based; gaps allowed). */
  position: number;
  kind: QuestionKind;
  prompt: LocalizedText;
}

/** What a resident was last asked, with what a reply needs to be understood and answered. */
export interface PendingPrompt {
  residentId: string;
  channel: 'sms' | 'voice';
  kind: PromptKind;
  campaignId: string | null;
  deliveryId: string | null;
  /** The proxied record a `proxy_confirmation` prompt asks about. */
  proxyRecordId?: string | null;
  /** A clarifying reply was already sent for this prompt. */
  clarified: boolean;
  expiresAt: Date;
  createdAt: Date;
  /** Past `expiresAt`: only clear answers are still linked to it. */
  expired: boolean;
  /** The topic noticed, or the topic the survey evaluates. */
  topic: { id: string; code: string; status: TopicStatus } | undefined;
  survey: { id: string; code: string; questionCount: number } | undefined;
  /** The question awaiting an answer (survey prompts). */
  question: PromptQuestion | undefined;
  /** The question to ask after this one; undefined after the last. */
  nextQuestion: PromptQuestion | undefined;
}

/** The resident's pending prompt, or undefined when nothing is awaiting a reply. */
export async function getPendingPrompt(
  ctx: Ctx,
  input: { residentId: string },
): Promise<PendingPrompt | undefined> {
  const [row] = await ctx.db
    .select()
    .from(pendingPrompts)
    .where(eq(pendingPrompts.residentId, input.residentId))
    .limit(1);
  if (!row) return undefined;

  const survey = row.surveyId
    ? (
        await ctx.db
          .select({ id: surveys.id, code: surveys.code, topicId: surveys.topicId })
          .from(surveys)
          .where(eq(surveys.id, row.surveyId))
          .limit(1)
      )[0]
    : undefined;
  // Surveys are a handful of questions: one read gives the current one, the next and the count.
  const questions = survey
    ? await ctx.db
        .select({
          id: surveyQuestions.id,
          position: surveyQuestions.position,
          kind: surveyQuestions.kind,
          prompt: surveyQuestions.prompt,
        })
        .from(surveyQuestions)
        .where(eq(surveyQuestions.surveyId, survey.id))
        .orderBy(asc(surveyQuestions.position))
    : [];
  const topicId = row.topicId ?? survey?.topicId ?? null;
  const topic = topicId
    ? (
        await ctx.db
          .select({ id: topics.id, code: topics.code, status: topics.status })
          .from(topics)
          .where(eq(topics.id, topicId))
          .limit(1)
      )[0]
    : undefined;

  return assemblePendingPrompt({ row, survey, questions, topic }, ctx.clock.now());
}

/**
 * A pending prompt from its stored row and what the row refers to (`questions` in asking order), as of
 * `now`. Pure, so that a caller that read all of it in one query builds the same prompt.
 */
export function assemblePendingPrompt(
  parts: {
    row: typeof pendingPrompts.$inferSelect;
    survey: { id: string; code: string } | undefined;
    questions: Omit<PromptQuestion, 'ordinal'>[];
    topic: PendingPrompt['topic'];
  },
  now: Date,
): PendingPrompt {
  const { row, survey, questions, topic } = parts;
  const index = questions.findIndex((q) => q.id === row.questionId);
  const at = (i: number): PromptQuestion | undefined => {
    const q = questions[i];
    return i >= 0 && q ? { ...q, ordinal: i + 1 } : undefined;
  };
  return {
    residentId: row.residentId,
    channel: row.channel,
    kind: row.kind,
    campaignId: row.campaignId,
    deliveryId: row.deliveryId,
    proxyRecordId: row.proxyRecordId,
    clarified: row.clarified,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    expired: row.expiresAt.getTime() <= now.getTime(),
    topic,
    survey: survey ? { id: survey.id, code: survey.code, questionCount: questions.length } : undefined,
    question: at(index),
    nextQuestion: index >= 0 ? at(index + 1) : undefined,
  };
}
