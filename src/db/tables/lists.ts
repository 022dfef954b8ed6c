/**
 * The three lists (三单管理) and participation balance: responsibility items with their progress,
 * the supervision flags and escalations, the groups a topic affects and the outreach done to reach a
 * group that has not been heard.
 */
import { sql } from 'drizzle-orm';
import {
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { campaigns, type Locale, type ResidentGroup, staff, topics } from './core.ts';

export const RESPONSIBILITY_STATUSES = ['open', 'in_progress', 'completed'] as const;
export type ResponsibilityStatus = (typeof RESPONSIBILITY_STATUSES)[number];

/** Responsibility list 责任清单: one row per piece of work a unit must deliver for a topic. */
export const responsibilityItems = pgTable(
  'responsibility_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Short number behind the code staff and residents quote: R12. */
    number: serial('number').notNull().unique(),
    code: text('code').notNull().generatedAlwaysAs(sql`'R' || number`),
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    title: text('title').notNull(),
    acceptanceCriteria: text('acceptance_criteria').notNull(),
    /** The language the staff member wrote title and criteria in (pages mark it for screen readers). */
    lang: text('lang').$type<Locale>().notNull(),
    /** The responsible unit (lead department), matched against `staff.department`. */
    department: text('department').notNull(),
    /** Other departments whose part is needed; any makes this a cross-department item. */
    cooperatingDepartments: text('cooperating_departments').array().notNull().default(sql`'{}'::text[]`),
    /** Calendar day (hall's time zone) the item was assigned; deadlines count from the day after. */
    assignedOn: date('assigned_on', { mode: 'string' }).notNull(),
    deadlineWorkingDays: smallint('deadline_working_days').notNull(),
    /** Last day to complete the work: `deadlineWorkingDays` Chinese working days after assignment. */
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    /** Cross-department items only: every department involved must respond by this day (15 working days). */
    responseDueOn: date('response_due_on', { mode: 'string' }),
    status: text('status').$type<ResponsibilityStatus>().notNull().default('open'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    completedOn: date('completed_on', { mode: 'string' }),
    /** How the acceptance criteria were met, written when the work is recorded as done. */
    completionNote: text('completion_note'),
    createdBy: uuid('created_by').references(() => staff.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('responsibility_items_code_uq').on(t.code),
    index('responsibility_items_topic_idx').on(t.topicId),
    index('responsibility_items_status_idx').on(t.status),
    index('responsibility_items_department_idx').on(t.department),
  ],
);

export const PROGRESS_KINDS = ['progress', 'completion'] as const;
export type ProgressKind = (typeof PROGRESS_KINDS)[number];

/** Progress reported on an item by a department liaison; the first one of a department is its response. */
export const responsibilityProgress = pgTable(
  'responsibility_progress',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => responsibilityItems.id),
    kind: text('kind').$type<ProgressKind>().notNull(),
    /** The department reporting (the reporter's `staff.department` at the time). */
    department: text('department').notNull(),
    staffId: uuid('staff_id').references(() => staff.id),
    note: text('note').notNull(),
    /** Share of the work done, as the department estimates it (0–100). */
    percent: smallint('percent'),
    lang: text('lang').$type<Locale>().notNull(),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull(),
    reportedOn: date('reported_on', { mode: 'string' }).notNull(),
  },
  (t) => [index('responsibility_progress_item_idx').on(t.itemId, t.reportedAt)],
);

export const SUPERVISION_KINDS = ['overdue', 'no_response'] as const;
export type SupervisionKind = (typeof SUPERVISION_KINDS)[number];

/**
 * Supervision list 督办清单: what the daily check found late, once per (item, kind, department). An
 * unresolved, unacknowledged row is an escalation waiting for a supervisor.
 */
export const supervisionFlags = pgTable(
  'supervision_flags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => responsibilityItems.id),
    kind: text('kind').$type<SupervisionKind>().notNull(),
    /** The department that is late: the lead for `overdue`, the silent one for `no_response`. */
    department: text('department').notNull(),
    /** The day that was missed: the item's due day or its response day. */
    missedOn: date('missed_on', { mode: 'string' }).notNull(),
    flaggedOn: date('flagged_on', { mode: 'string' }).notNull(),
    flaggedAt: timestamp('flagged_at', { withTimezone: true }).notNull(),
    /** Outbound notices written for the topic's followers when this was escalated. */
    noticesQueued: integer('notices_queued').notNull().default(0),
    /** The work was done, or the department answered, after the flag was raised. */
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    acknowledgedBy: uuid('acknowledged_by').references(() => staff.id),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgementNote: text('acknowledgement_note'),
  },
  (t) => [
    uniqueIndex('supervision_flags_item_kind_dept_uq').on(t.itemId, t.kind, t.department),
    index('supervision_flags_open_idx').on(t.resolvedAt, t.acknowledgedAt),
  ],
);

/** Groups a topic affects (the elderly for an elderly canteen), marked by staff; balance alerts watch these. */
export const topicAffectedGroups = pgTable(
  'topic_affected_groups',
  {
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    group: text('group').$type<ResidentGroup>().notNull(),
    markedBy: uuid('marked_by').references(() => staff.id),
    markedAt: timestamp('marked_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.topicId, t.group] })],
);

export const REACH_ACTIONS = ['voice_campaign', 'visit_list'] as const;
export type ReachAction = (typeof REACH_ACTIONS)[number];

/** What staff did to reach an under-heard group of a topic: a call campaign or proxy writers' visits. */
export const participationOutreach = pgTable(
  'participation_outreach',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    group: text('group').$type<ResidentGroup>().notNull(),
    action: text('action').$type<ReachAction>().notNull(),
    campaignId: uuid('campaign_id').references(() => campaigns.id),
    /** Residents the action reaches (campaign deliveries planned, or visit-list entries added). */
    residents: integer('residents').notNull(),
    takenBy: uuid('taken_by').references(() => staff.id),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('participation_outreach_topic_idx').on(t.topicId, t.group)],
);
