import { and, asc, count, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { SATISFACTION_KEYS, SKIPPED_ANSWER } from '../conversations/survey-choices.ts';
import type { Ctx } from '../core/context.ts';
import {
  campaigns,
  deliveries,
  type LocalizedText,
  type QuestionKind,
  SATISFACTION_LEVELS,
  type SatisfactionLevel,
  type StaffRole,
  surveyAnswers,
  surveyQuestions,
  surveys,
  topics,
} from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import { parseTopicInput } from '../topics/topic-input.ts';

/** Who may read survey results: the campaign viewers and the departments being evaluated. */
export const SURVEY_RESULT_ROLES: readonly StaffRole[] = [
  'admin',
  'community_secretary',
  'supervisor',
  'department_liaison',
];

/** The levels that count as satisfied: 非常满意, 满意, 基本满意. */
export const SATISFIED_LEVELS: readonly SatisfactionLevel[] = [
  'very_satisfied',
  'satisfied',
  'basically_satisfied',
];

/** Deliveries that reached the provider and were not reported lost count as sent. */
const SENT_STATUSES = ['sent', 'delivered'] as const;

export const getSurveyResultsInput = z.object({
  surveyId: z.uuid().optional(),
  topicId: z.uuid().optional(),
  department: z.string().trim().min(1).max(200).optional(),
});

export interface SatisfactionTally {
  counts: Record<SatisfactionLevel, number>;
  /** Answers to satisfaction questions that name a level (skips and unreadable replies left out). */
  answers: number;
  satisfied: number;
  /** (very satisfied + satisfied + basically satisfied) / answers; null without answers. */
  rate: number | null;
}

export interface ResponseTally {
  /** Survey messages sent (or delivered). */
  deliveriesSent: number;
  /** Residents who answered at least one question. */
  respondents: number;
  /** respondents / deliveries sent; null when nothing was sent. */
  responseRate: number | null;
}

export interface QuestionResult {
  questionId: string;
  position: number;
  kind: QuestionKind;
  prompt: LocalizedText;
  answers: number;
  /** Answers by value: satisfaction levels, yes/no, `skipped`; free text is counted as `text`. */
  counts: Record<string, number>;
}

export interface SurveyResult extends ResponseTally {
  survey: {
    id: string;
    code: string;
    title: LocalizedText;
    topicId: string | null;
    department: string | null;
  };
  questions: QuestionResult[];
  satisfaction: SatisfactionTally;
}

export interface GroupResult extends ResponseTally {
  satisfaction: SatisfactionTally;
  /** Codes of the surveys the group sums over. */
  surveys: string[];
}

export interface SurveyResults {
  surveys: SurveyResult[];
  byTopic: (GroupResult & { topicId: string; topicCode: string })[];
  byDepartment: (GroupResult & { department: string })[];
}

function emptyTally(): SatisfactionTally {
  return {
    counts: Object.fromEntries(SATISFACTION_LEVELS.map((l) => [l, 0])) as Record<SatisfactionLevel, number>,
    answers: 0,
    satisfied: 0,
    rate: null,
  };
}

function finishTally(tally: SatisfactionTally): SatisfactionTally {
  tally.answers = SATISFACTION_LEVELS.reduce((sum, l) => sum + tally.counts[l], 0);
  tally.satisfied = SATISFIED_LEVELS.reduce((sum, l) => sum + tally.counts[l], 0);
  tally.rate = tally.answers ? tally.satisfied / tally.answers : null;
  return tally;
}

function ratio(part: number, whole: number): number | null {
  return whole ? part / whole : null;
}

/** The satisfaction level an answer stands for: the stored level, or a bare key (1–5) kept as typed. */
function levelOf(answer: string): SatisfactionLevel | undefined {
  if ((SATISFACTION_LEVELS as readonly string[]).includes(answer)) return answer as SatisfactionLevel;
  const key = Number(answer.normalize('NFKC').trim());
  return key in SATISFACTION_KEYS ? SATISFACTION_KEYS[key as keyof typeof SATISFACTION_KEYS] : undefined;
}

/**
 * Survey results per survey, per topic and per responsible department: answer counts per question and
 * level, response rate (respondents / survey messages sent) and satisfaction rate ((very satisfied +
 * satisfied + basically satisfied) / answers to satisfaction questions). Filters narrow the surveys.
 */
export async function getSurveyResults(
  ctx: Ctx,
  input: z.input<typeof getSurveyResultsInput> = {},
): Promise<SurveyResults> {
  requireRole(ctx, SURVEY_RESULT_ROLES);
  const filter = parseTopicInput(getSurveyResultsInput, input);
  const conditions: SQL[] = [];
  if (filter.surveyId) conditions.push(eq(surveys.id, filter.surveyId));
  if (filter.topicId) conditions.push(eq(surveys.topicId, filter.topicId));
  if (filter.department) conditions.push(eq(surveys.department, filter.department));
  const found = await ctx.db
    .select({
      id: surveys.id,
      code: surveys.code,
      title: surveys.title,
      topicId: surveys.topicId,
      topicCode: topics.code,
      department: surveys.department,
    })
    .from(surveys)
    .leftJoin(topics, eq(topics.id, surveys.topicId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(surveys.number));
  if (found.length === 0) return { surveys: [], byTopic: [], byDepartment: [] };
  const ids = found.map((s) => s.id);

  const questions = await ctx.db
    .select()
    .from(surveyQuestions)
    .where(inArray(surveyQuestions.surveyId, ids))
    .orderBy(asc(surveyQuestions.surveyId), asc(surveyQuestions.position));
  const answerValue = sql<string>`case when ${surveyQuestions.kind} = 'text' and ${surveyAnswers.answer} <> ${SKIPPED_ANSWER} then 'text' else ${surveyAnswers.answer} end`;
  const answerCounts = await ctx.db
    .select({ questionId: surveyAnswers.questionId, answer: answerValue, n: count() })
    .from(surveyAnswers)
    .innerJoin(surveyQuestions, eq(surveyQuestions.id, surveyAnswers.questionId))
    .where(inArray(surveyAnswers.surveyId, ids))
    // By position: the answer expression carries a parameter, which would not match a repeated copy.
    .groupBy(sql`1, 2`);
  const respondentRows = await ctx.db
    .select({
      surveyId: surveyAnswers.surveyId,
      n: sql<number>`count(distinct coalesce(${surveyAnswers.residentId}::text, ${surveyAnswers.intakeId}::text))`.mapWith(
        Number,
      ),
    })
    .from(surveyAnswers)
    .where(inArray(surveyAnswers.surveyId, ids))
    .groupBy(surveyAnswers.surveyId);
  const sentRows = await ctx.db
    .select({ surveyId: campaigns.surveyId, n: count() })
    .from(deliveries)
    .innerJoin(campaigns, eq(campaigns.id, deliveries.campaignId))
    .where(and(inArray(campaigns.surveyId, ids), inArray(deliveries.status, SENT_STATUSES)))
    .groupBy(campaigns.surveyId);

  const respondentsOf = new Map(respondentRows.map((r) => [r.surveyId, r.n]));
  const sentOf = new Map(sentRows.map((r) => [r.surveyId, r.n]));
  const countsOf = new Map<string, Record<string, number>>();
  for (const row of answerCounts) {
    if (!row.questionId) continue;
    const counts = countsOf.get(row.questionId) ?? {};
    counts[row.answer] = (counts[row.answer] ?? 0) + row.n;
    countsOf.set(row.questionId, counts);
  }

  const results: SurveyResult[] = found.map((s) => {
    const satisfaction = emptyTally();
    const mine = questions
      .filter((q) => q.surveyId === s.id)
      .map((q): QuestionResult => {
        const raw = countsOf.get(q.id) ?? {};
        const counts: Record<string, number> = {};
        for (const [answer, n] of Object.entries(raw)) {
          const level = q.kind === 'satisfaction' ? levelOf(answer) : undefined;
          const key = level ?? answer;
          counts[key] = (counts[key] ?? 0) + n;
          if (level) satisfaction.counts[level] += n;
        }
        const answers = Object.values(counts).reduce((a, b) => a + b, 0);
        return { questionId: q.id, position: q.position, kind: q.kind, prompt: q.prompt, answers, counts };
      });
    const deliveriesSent = sentOf.get(s.id) ?? 0;
    const respondents = respondentsOf.get(s.id) ?? 0;
    return {
      survey: { id: s.id, code: s.code, title: s.title, topicId: s.topicId, department: s.department },
      questions: mine,
      satisfaction: finishTally(satisfaction),
      deliveriesSent,
      respondents,
      responseRate: ratio(respondents, deliveriesSent),
    };
  });

  const group = <K extends string>(keyOf: (r: SurveyResult) => K | null) => {
    const groups = new Map<K, SurveyResult[]>();
    for (const r of results) {
      const key = keyOf(r);
      if (key === null) continue;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    return [...groups.entries()].map(([key, members]) => {
      const satisfaction = emptyTally();
      for (const m of members)
        for (const l of SATISFACTION_LEVELS) satisfaction.counts[l] += m.satisfaction.counts[l];
      const deliveriesSent = members.reduce((sum, m) => sum + m.deliveriesSent, 0);
      const respondents = members.reduce((sum, m) => sum + m.respondents, 0);
      const summary: GroupResult = {
        surveys: members.map((m) => m.survey.code),
        satisfaction: finishTally(satisfaction),
        deliveriesSent,
        respondents,
        responseRate: ratio(respondents, deliveriesSent),
      };
      return [key, summary] as const;
    });
  };
  const topicCodes = new Map(found.map((s) => [s.topicId, s.topicCode]));
  return {
    surveys: results,
    byTopic: group((r) => r.survey.topicId).map(([topicId, g]) => ({
      topicId,
      topicCode: topicCodes.get(topicId) ?? '',
      ...g,
    })),
    byDepartment: group((r) => r.survey.department).map(([department, g]) => ({ department, ...g })),
  };
}
