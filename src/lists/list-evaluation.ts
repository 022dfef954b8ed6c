import { asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import {
  type LocalizedText,
  responsibilityItems,
  SATISFACTION_LEVELS,
  type SatisfactionLevel,
  type TopicStatus,
  topics,
} from '../db/schema.ts';
import {
  getSurveyResults,
  SATISFIED_LEVELS,
  type SatisfactionTally,
} from '../outreach/get-survey-results.ts';
import { requireRole } from '../staff/require-role.ts';
import { timeZoneField } from '../topics/topic-input.ts';
import { localDate } from '../topics/working-days.ts';
import { involvedDepartments, itemTiming } from './item-timing.ts';
import { LISTS_VIEWER_ROLES } from './lists-roles.ts';
import { parseListsInput } from './parse-lists-input.ts';

export const listEvaluationInput = z.object({ timeZone: timeZoneField });

/** Topics on the evaluation list: the work is done and residents are asked, or the topic is closed. */
export const EVALUATED_STATUSES: readonly TopicStatus[] = ['evaluating', 'closed'];

export interface ItemCounts {
  items: number;
  completed: number;
  completedOnTime: number;
  /** Open items past their due day. */
  overdue: number;
}

export interface EvaluationTopicRow extends ItemCounts {
  topic: { id: string; code: string; title: LocalizedText; status: TopicStatus; evaluatingAt: Date | null };
  departments: string[];
  /** Codes of the topic's surveys (the satisfaction survey started with the evaluation). */
  surveys: string[];
  deliveriesSent: number;
  respondents: number;
  responseRate: number | null;
  satisfaction: SatisfactionTally;
}

export interface DepartmentRow extends ItemCounts {
  department: string;
  /** Topics where the department leads or cooperates on at least one item. */
  topics: string[];
  /** Items it leads. */
  leads: number;
  /** Satisfaction answers summed over the surveys of those topics. */
  satisfaction: SatisfactionTally;
}

export interface EvaluationList {
  today: string;
  topics: EvaluationTopicRow[];
  departments: DepartmentRow[];
}

function emptyTally(): SatisfactionTally {
  return {
    counts: Object.fromEntries(SATISFACTION_LEVELS.map((l) => [l, 0])) as Record<SatisfactionLevel, number>,
    answers: 0,
    satisfied: 0,
    rate: null,
  };
}

function addTally(into: SatisfactionTally, from: SatisfactionTally): void {
  for (const level of SATISFACTION_LEVELS) into.counts[level] += from.counts[level];
  into.answers = SATISFACTION_LEVELS.reduce((sum, l) => sum + into.counts[l], 0);
  into.satisfied = SATISFIED_LEVELS.reduce((sum, l) => sum + into.counts[l], 0);
  into.rate = into.answers ? into.satisfied / into.answers : null;
}

/**
 * The evaluation list (评价清单): each topic under evaluation or closed with how its items were done
 * and what residents answered in its satisfaction survey; and per department — over every topic where
 * it led or cooperated on an item — its items done, on time, overdue, and the satisfaction rate
 * (very satisfied + satisfied + basically satisfied, over all satisfaction answers of those topics).
 */
export async function listEvaluation(
  ctx: Ctx,
  input: z.input<typeof listEvaluationInput> = {},
): Promise<EvaluationList> {
  requireRole(ctx, LISTS_VIEWER_ROLES);
  const { timeZone } = parseListsInput(listEvaluationInput, input);
  const today = localDate(ctx.clock.now(), timeZone);
  const items = await ctx.db
    .select({ item: responsibilityItems, topicCode: topics.code, topicStatus: topics.status })
    .from(responsibilityItems)
    .innerJoin(topics, eq(topics.id, responsibilityItems.topicId))
    .orderBy(asc(topics.number), asc(responsibilityItems.number));
  const results = await getSurveyResults(ctx, {});
  const byTopic = new Map(results.byTopic.map((r) => [r.topicId, r]));

  const evaluated = await ctx.db
    .select({
      id: topics.id,
      code: topics.code,
      title: topics.title,
      status: topics.status,
      evaluatingAt: topics.evaluatingAt,
    })
    .from(topics)
    .where(inArray(topics.status, [...EVALUATED_STATUSES]))
    .orderBy(asc(topics.number));

  const count = (rows: typeof items): ItemCounts => {
    const counts: ItemCounts = { items: rows.length, completed: 0, completedOnTime: 0, overdue: 0 };
    for (const { item } of rows) {
      const state = itemTiming(item, today).state;
      if (item.status === 'completed') counts.completed += 1;
      if (state === 'completed_on_time') counts.completedOnTime += 1;
      if (state === 'overdue') counts.overdue += 1;
    }
    return counts;
  };

  const topicRows = evaluated.map((topic): EvaluationTopicRow => {
    const mine = items.filter((i) => i.item.topicId === topic.id);
    const survey = byTopic.get(topic.id);
    const satisfaction = emptyTally();
    if (survey) addTally(satisfaction, survey.satisfaction);
    return {
      topic,
      ...count(mine),
      departments: [...new Set(mine.flatMap((i) => involvedDepartments(i.item)))],
      surveys: survey?.surveys ?? [],
      deliveriesSent: survey?.deliveriesSent ?? 0,
      respondents: survey?.respondents ?? 0,
      responseRate: survey?.responseRate ?? null,
      satisfaction,
    };
  });

  const departments = new Map<string, typeof items>();
  for (const row of items) {
    for (const d of involvedDepartments(row.item)) departments.set(d, [...(departments.get(d) ?? []), row]);
  }
  const departmentRows = [...departments.entries()]
    .map(([department, rows]): DepartmentRow => {
      const topicIds = [...new Set(rows.map((r) => r.item.topicId))];
      const satisfaction = emptyTally();
      for (const id of topicIds) {
        const survey = byTopic.get(id);
        if (survey) addTally(satisfaction, survey.satisfaction);
      }
      return {
        department,
        topics: [...new Set(rows.map((r) => r.topicCode))],
        leads: rows.filter((r) => r.item.department === department).length,
        ...count(rows),
        satisfaction,
      };
    })
    .sort((a, b) => a.department.localeCompare(b.department, 'zh-CN'));
  return { today, topics: topicRows, departments: departmentRows };
}
