/**
 * The three lists as files: CSV for spreadsheets (headers in the reader's language, safe against
 * formula injection, UTF-8 with BOM) and JSON with stable English field names for programs.
 */
import type { Locale } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import type { EvaluationList } from '../../src/lists/list-evaluation.ts';
import { itemTerms, type ResponsibilityRow } from '../../src/lists/list-responsibility-items.ts';
import type { SupervisionList } from '../../src/lists/list-supervision.ts';
import { type CsvCell, toCsv } from '../../src/lists/to-csv.ts';
import { localized } from './lists-layout.tsx';

const SEP = '；';

function text(value: { text: string }): string {
  return value.text;
}

function share(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10_000) / 10_000;
}

// ---------------------------------------------------------------- responsibility

const RESPONSIBILITY_COLUMNS = [
  'code',
  'topicCode',
  'topicTitle',
  'title',
  'acceptanceCriteria',
  'department',
  'cooperatingDepartments',
  'assignedOn',
  'deadlineWorkingDays',
  'dueOn',
  'responseDueOn',
  'status',
  'state',
  'workingDaysLate',
  'workingDaysLeft',
  'respondedDepartments',
  'silentDepartments',
  'latestPercent',
  'latestReportedOn',
  'completedOn',
  'completionNote',
] as const;

export function responsibilityJson(today: string, items: ResponsibilityRow[], locale: Locale) {
  return {
    list: 'responsibility',
    asOf: today,
    items: items.map((i) => ({
      code: i.code,
      topicCode: i.topic.code,
      topicTitle: text(localized(i.topic.title, locale)),
      ...itemTerms(i),
      workingDaysLeft: i.timing.workingDaysLeft,
      responses: i.responses,
      silentDepartments: i.silentDepartments,
      latestProgress: i.latestProgress,
      completedOn: i.completedOn,
      completionNote: i.completionNote,
    })),
  };
}

export function responsibilityCsv(t: Translate, locale: Locale, items: ResponsibilityRow[]): string {
  const rows: CsvCell[][] = items.map((i) => [
    i.code,
    i.topic.code,
    text(localized(i.topic.title, locale)),
    i.title,
    i.acceptanceCriteria,
    i.department,
    i.cooperatingDepartments.join(SEP),
    i.assignedOn,
    i.deadlineWorkingDays,
    i.dueOn,
    i.responseDueOn,
    t(`lists:itemStatus.${i.status}`),
    t(`lists:stateName.${i.timing.state}`),
    i.timing.workingDaysLate,
    i.timing.workingDaysLeft,
    i.responses.map((r) => `${r.department} ${r.firstOn}`).join(SEP),
    i.silentDepartments.join(SEP),
    i.latestProgress?.percent ?? null,
    i.latestProgress?.reportedOn ?? null,
    i.completedOn,
    i.completionNote,
  ]);
  return toCsv(
    RESPONSIBILITY_COLUMNS.map((c) => t(`lists:csv.responsibility.${c}`)),
    rows,
  );
}

// ---------------------------------------------------------------- supervision

const SUPERVISION_COLUMNS = [
  'itemCode',
  'itemTitle',
  'topicCode',
  'kind',
  'department',
  'missedOn',
  'flaggedOn',
  'noticesQueued',
  'state',
  'acknowledgedBy',
  'acknowledgementNote',
] as const;

export function supervisionJson(data: SupervisionList) {
  const flag = (e: SupervisionList['open'][number]) => ({
    id: e.id,
    itemCode: e.item.code,
    itemTitle: e.item.title,
    topicCode: e.topic.code,
    kind: e.kind,
    department: e.department,
    missedOn: e.missedOn,
    flaggedOn: e.flaggedOn,
    noticesQueued: e.noticesQueued,
    resolvedAt: e.resolvedAt?.toISOString() ?? null,
    acknowledgedAt: e.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: e.acknowledgedBy,
    acknowledgementNote: e.acknowledgementNote,
  });
  return {
    list: 'supervision',
    asOf: data.today,
    open: data.open.map(flag),
    handled: data.handled.map(flag),
    attention: data.attention.map((i) => ({
      code: i.code,
      topicCode: i.topic.code,
      department: i.department,
      dueOn: i.dueOn,
      state: i.timing.state,
      workingDaysLate: i.timing.workingDaysLate,
      workingDaysLeft: i.timing.workingDaysLeft,
      silentDepartments: i.silentDepartments,
    })),
  };
}

export function supervisionCsv(t: Translate, data: SupervisionList): string {
  const rows: CsvCell[][] = [...data.open, ...data.handled].map((e) => [
    e.item.code,
    e.item.title,
    e.topic.code,
    t(`lists:flagKind.${e.kind}`),
    e.department,
    e.missedOn,
    e.flaggedOn,
    e.noticesQueued,
    e.resolvedAt
      ? t('lists:flag.resolved')
      : e.acknowledgedAt
        ? t('lists:flag.acknowledged')
        : t('lists:flag.open'),
    e.acknowledgedBy,
    e.acknowledgementNote,
  ]);
  return toCsv(
    SUPERVISION_COLUMNS.map((c) => t(`lists:csv.supervision.${c}`)),
    rows,
  );
}

// ---------------------------------------------------------------- evaluation

const EVALUATION_COLUMNS = [
  'topicCode',
  'topicTitle',
  'topicStatus',
  'items',
  'completed',
  'completedOnTime',
  'departments',
  'surveys',
  'deliveriesSent',
  'respondents',
  'responseRate',
  'answers',
  'satisfied',
  'satisfactionRate',
] as const;

const DEPARTMENT_COLUMNS = [
  'department',
  'topics',
  'items',
  'leads',
  'completed',
  'completedOnTime',
  'overdue',
  'answers',
  'satisfied',
  'satisfactionRate',
] as const;

export function evaluationJson(data: EvaluationList, locale: Locale) {
  return {
    list: 'evaluation',
    asOf: data.today,
    topics: data.topics.map((r) => ({
      topicCode: r.topic.code,
      topicTitle: text(localized(r.topic.title, locale)),
      topicStatus: r.topic.status,
      items: r.items,
      completed: r.completed,
      completedOnTime: r.completedOnTime,
      overdue: r.overdue,
      departments: r.departments,
      surveys: r.surveys,
      deliveriesSent: r.deliveriesSent,
      respondents: r.respondents,
      responseRate: share(r.responseRate),
      satisfaction: { ...r.satisfaction, rate: share(r.satisfaction.rate) },
    })),
    departments: data.departments.map((d) => ({
      department: d.department,
      topics: d.topics,
      items: d.items,
      leads: d.leads,
      completed: d.completed,
      completedOnTime: d.completedOnTime,
      overdue: d.overdue,
      satisfaction: { ...d.satisfaction, rate: share(d.satisfaction.rate) },
    })),
  };
}

export function evaluationCsv(t: Translate, locale: Locale, data: EvaluationList): string {
  const rows: CsvCell[][] = data.topics.map((r) => [
    r.topic.code,
    text(localized(r.topic.title, locale)),
    t(`topics:status.${r.topic.status}`),
    r.items,
    r.completed,
    r.completedOnTime,
    r.departments.join(SEP),
    r.surveys.join(SEP),
    r.deliveriesSent,
    r.respondents,
    share(r.responseRate),
    r.satisfaction.answers,
    r.satisfaction.satisfied,
    share(r.satisfaction.rate),
  ]);
  return toCsv(
    EVALUATION_COLUMNS.map((c) => t(`lists:csv.evaluation.${c}`)),
    rows,
  );
}

export function departmentsCsv(t: Translate, data: EvaluationList): string {
  const rows: CsvCell[][] = data.departments.map((d) => [
    d.department,
    d.topics.join(SEP),
    d.items,
    d.leads,
    d.completed,
    d.completedOnTime,
    d.overdue,
    d.satisfaction.answers,
    d.satisfaction.satisfied,
    share(d.satisfaction.rate),
  ]);
  return toCsv(
    DEPARTMENT_COLUMNS.map((c) => t(`lists:csv.departments.${c}`)),
    rows,
  );
}
