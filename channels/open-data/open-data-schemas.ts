/**
 * The open-data responses as zod schemas: the routes parse what they send through them (so nothing
 * undocumented, and nothing personal, can slip out) and the OpenAPI document's schemas are generated
 * from them. Aggregates and public lists only: no resident, no staff member, no free-text note.
 */
import { z } from 'zod';
import { LOCALES, PARTICIPANT_GROUPS, RESIDENT_GROUPS, TOPIC_STATUSES } from '../../src/db/schema.ts';
import { KPI_GROUPS, KPI_IDS } from '../../src/kpi/kpi-targets.ts';
import { ITEM_STATES } from '../../src/lists/item-timing.ts';
import { CONTRIBUTION_KINDS } from '../../src/participation/contributions.ts';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('A calendar day in the hall’s time zone, YYYY-MM-DD.');
const share = z.number().min(0).max(1);
const count = z.number().int().min(0);
const topicCode = z
  .string()
  .regex(/^T\d+$/)
  .describe('The topic’s code, as residents quote it (T12).');

export const kpiSchema = z
  .object({
    id: z.enum(KPI_IDS),
    name: z.string(),
    definition: z.string().describe('The precise definition of the figure, in the requested language.'),
    group: z.enum(KPI_GROUPS),
    unit: z.enum(['share', 'working_days']),
    value: z
      .number()
      .nullable()
      .describe(
        'A share between 0 and 1, or a number of working days; null while there is nothing to measure.',
      ),
    numerator: count.nullable(),
    denominator: count.nullable(),
    sample: count.describe('How many cases the figure is measured over.'),
    target: z.number().describe('The work plan’s target, in the same unit as value.'),
    comparison: z.enum(['at_least', 'at_most']),
    met: z.boolean().nullable(),
  })
  .strict();

export const kpisResponse = z
  .object({
    asOf: isoDate,
    language: z.enum(LOCALES),
    kpis: z.array(kpiSchema),
    attendanceByGroup: z.array(z.object({ group: z.enum(PARTICIPANT_GROUPS), attendances: count }).strict()),
  })
  .strict();

export const publicItemSchema = z
  .object({
    code: z.string().regex(/^R\d+$/),
    topicCode,
    title: z.string(),
    acceptanceCriteria: z.string(),
    language: z.enum(LOCALES),
    department: z.string().describe('The responsible unit.'),
    cooperatingDepartments: z.array(z.string()),
    assignedOn: isoDate,
    deadlineWorkingDays: z.number().int().min(1),
    dueOn: isoDate,
    responseDueOn: isoDate
      .nullable()
      .describe('Cross-department items: every department must respond by this day.'),
    status: z.enum(['open', 'in_progress', 'completed']),
    state: z.enum(ITEM_STATES),
    workingDaysLate: count,
    completedOn: isoDate.nullable(),
  })
  .strict();

export const responsibilityItemsResponse = z
  .object({ asOf: isoDate, items: z.array(publicItemSchema) })
  .strict();

export const publicFlagSchema = z
  .object({
    itemCode: z.string().regex(/^R\d+$/),
    topicCode,
    kind: z.enum(['overdue', 'no_response']),
    department: z.string(),
    missedOn: isoDate,
    flaggedOn: isoDate,
    handling: z.enum(['waiting', 'taken_up', 'answered']),
  })
  .strict();

export const supervisionResponse = z.object({ asOf: isoDate, flags: z.array(publicFlagSchema) }).strict();

const satisfaction = z
  .object({ answers: count, satisfied: count, rate: share.nullable() })
  .strict()
  .describe('rate = (very satisfied + satisfied + basically satisfied) / answers.');

export const evaluationResponse = z
  .object({
    asOf: isoDate,
    topics: z.array(
      z
        .object({
          topicCode,
          status: z.enum(TOPIC_STATUSES),
          items: count,
          completed: count,
          completedOnTime: count,
          surveyMessagesSent: count,
          respondents: count,
          satisfaction,
        })
        .strict(),
    ),
    departments: z.array(
      z
        .object({
          department: z.string(),
          topics: z.array(topicCode),
          items: count,
          leads: count,
          completed: count,
          completedOnTime: count,
          overdue: count,
          satisfaction,
        })
        .strict(),
    ),
  })
  .strict();

export const participationResponse = z
  .object({
    topicCode,
    status: z.enum(TOPIC_STATUSES),
    baseline: z
      .object({ scope: z.enum(['community', 'all_communities']), residents: count })
      .strict()
      .describe('The community make-up the topic is compared with.'),
    participants: count.describe('Distinct residents on record who were heard.'),
    contributions: count,
    anonymousContributions: count,
    underHeardRule: z.string(),
    groups: z.array(
      z
        .object({
          group: z.enum(RESIDENT_GROUPS),
          affected: z.boolean(),
          communityResidents: count.nullable(),
          communityShare: share.nullable(),
          heard: count,
          heardShare: share,
          underHeard: z.boolean().nullable(),
        })
        .strict(),
    ),
    channels: z.array(
      z.object({ channel: z.string(), contributions: count, participants: count, anonymous: count }).strict(),
    ),
    kinds: z.array(z.object({ kind: z.enum(CONTRIBUTION_KINDS), contributions: count }).strict()),
  })
  .strict();

export const errorResponse = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), requestId: z.string() }).passthrough(),
  })
  .strict();
