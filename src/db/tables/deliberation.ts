/**
 * Screening and deliberation: what each topic was screened from, the needs set aside, the meetings
 * (协商会议) with their "1 + X" panel, attendance, minutes, votes recorded by name (optionally weighted
 * by voter class), the speaking-time log, and the result published with its tallies.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { campaigns, intakes, type LocalizedText, residents, staff, topics } from './core.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

// ---------------------------------------------------------------- screening

/** What screening decided about one need: it became (part of) a topic, or it was set aside. */
export const SCREENING_OUTCOMES = ['topic', 'set_aside'] as const;
export type ScreeningOutcome = (typeof SCREENING_OUTCOMES)[number];

/**
 * One row per screened need (a `demand` intake or an `unclassified` one). A need without a row is
 * still waiting for screening. For demands, `demands.topic_id` is set as well.
 */
export const screeningDecisions = pgTable(
  'screening_decisions',
  {
    intakeId: uuid('intake_id')
      .primaryKey()
      .references(() => intakes.id),
    outcome: text('outcome').$type<ScreeningOutcome>().notNull(),
    topicId: uuid('topic_id').references(() => topics.id),
    /** Why a need was set aside (e.g. passed to the property manager as a repair). */
    reason: text('reason'),
    decidedBy: uuid('decided_by').references(() => staff.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('screening_decisions_topic_idx').on(t.topicId)],
);

/**
 * How a topic was put forward in screening. `theme` and `need` carry residents' own needs (the topic's
 * source is then `resident_recommendation`); the reports carry someone else's account.
 */
export const TOPIC_ORIGINS = [
  'theme',
  'need',
  'grid_visit_report',
  'deputy_proposal',
  'online_report',
] as const;
export type TopicOrigin = (typeof TOPIC_ORIGINS)[number];

export const topicOrigins = pgTable('topic_origins', {
  topicId: uuid('topic_id')
    .primaryKey()
    .references(() => topics.id),
  origin: text('origin').$type<TopicOrigin>().notNull(),
  /** A proposal's number or a report's reference, as written on it. */
  reference: text('reference'),
  /** Who reported or proposed it (a grid worker, a deputy), by name. */
  reportedBy: text('reported_by'),
  /** The theme's key terms when the topic was created from a theme. */
  themeTerms: text('theme_terms').array().notNull().default(sql`'{}'::text[]`),
  /** Needs linked at creation, and the distinct residents behind them (anonymous needs count once each). */
  needCount: integer('need_count').notNull().default(0),
  residentCount: integer('resident_count').notNull().default(0),
  createdBy: uuid('created_by').references(() => staff.id),
  createdAt: createdAt(),
});

// ---------------------------------------------------------------- meetings

export const MEETING_STATUSES = ['scheduled', 'open', 'closed'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** What the venue offers, so people know before they come (and staff see what is missing). */
export const VENUE_FEATURES = [
  'step_free',
  'accessible_toilet',
  'hearing_loop',
  'sign_language',
  'large_print',
  'seating_rest',
] as const;
export type VenueFeature = (typeof VENUE_FEATURES)[number];

/** A deliberation meeting (协商议事会) on a topic. */
export const meetings = pgTable(
  'meetings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Short number behind the code staff quote: M12. */
    number: serial('number').notNull().unique(),
    code: text('code').notNull().generatedAlwaysAs(sql`'M' || number`),
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    status: text('status').$type<MeetingStatus>().notNull().default('scheduled'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    place: text('place').notNull(),
    venueFeatures: text('venue_features')
      .array()
      .$type<VenueFeature[]>()
      .notNull()
      .default(sql`'{}'::text[]`),
    accessibilityNote: text('accessibility_note'),
    /** Where remote participants join (live stream or video call), if anywhere. */
    onlineUrl: text('online_url'),
    /** The public notice inviting the affected residents (campaign trigger `meeting:<id>`). */
    noticeCampaignId: uuid('notice_campaign_id').references(() => campaigns.id),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => staff.id),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('meetings_topic_idx').on(t.topicId), index('meetings_status_idx').on(t.status)],
);

/**
 * Who takes part. The "1 + X" panel is the convener plus the X members (`panel_member`); other rows are
 * department representatives and residents attending. `participant_group` is what attendance is counted by.
 */
export const PARTICIPANT_GROUPS = [
  'convener',
  'resident',
  'professional',
  'social_org',
  'enterprise',
  'special_group',
  'department',
  'other',
] as const;
export type ParticipantGroup = (typeof PARTICIPANT_GROUPS)[number];

/** How someone took part: in the room, remotely, through a proxy who carried their view; or not. */
export const ATTENDANCE_MODES = ['in_person', 'remote', 'proxied', 'absent'] as const;
export type AttendanceMode = (typeof ATTENDANCE_MODES)[number];

export const MEETING_ROLES = ['moderator', 'rules_monitor', 'note_taker'] as const;
export type MeetingRole = (typeof MEETING_ROLES)[number];

export const meetingParticipants = pgTable(
  'meeting_participants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    /** Name as recorded in the minutes (votes are recorded by name). */
    name: text('name').notNull(),
    participantGroup: text('participant_group').$type<ParticipantGroup>().notNull(),
    panelMember: boolean('panel_member').notNull().default(false),
    meetingRole: text('meeting_role').$type<MeetingRole>(),
    residentId: uuid('resident_id').references(() => residents.id),
    /** The class whose weight applies in weighted votes, e.g. "1楼" for a lift. */
    voterClass: text('voter_class'),
    /** Null until attendance is recorded. */
    attendance: text('attendance').$type<AttendanceMode>(),
    /** For `proxied`: who carried this person's view (a family member, a proxy writer). */
    proxyName: text('proxy_name'),
    attendanceRecordedAt: timestamp('attendance_recorded_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => staff.id),
    createdAt: createdAt(),
  },
  (t) => [index('meeting_participants_meeting_idx').on(t.meetingId)],
);

/** What was said and what was decided: with attendance and votes, a complete record. */
export const meetingMinutes = pgTable('meeting_minutes', {
  meetingId: uuid('meeting_id')
    .primaryKey()
    .references(() => meetings.id),
  discussion: text('discussion').notNull(),
  decision: text('decision').notNull(),
  recordedBy: uuid('recorded_by').references(() => staff.id),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
});

export const VOTE_METHODS = ['majority', 'weighted'] as const;
export type VoteMethod = (typeof VOTE_METHODS)[number];

export const VOTE_STATUSES = ['open', 'closed'] as const;
export type VoteStatus = (typeof VOTE_STATUSES)[number];

export const BALLOT_CHOICES = ['for', 'against', 'abstain'] as const;
export type BallotChoice = (typeof BALLOT_CHOICES)[number];

/** Weights of a weighted vote: per voter class, and for anyone whose class is not listed. */
export interface VoteWeights {
  byClass: Record<string, number>;
  otherwise: number;
}

/** The count when a vote closed, kept as published. Weights are summed in hundredths (exact). */
export interface VoteTally {
  method: VoteMethod;
  ballots: number;
  /** Summed weight per choice (equal to the ballot count in a simple-majority vote). */
  weight: Record<BallotChoice, number>;
  count: Record<BallotChoice, number>;
  /** Weight of all ballots cast, abstentions included. */
  castWeight: number;
  passed: boolean;
}

/** A motion put to the vote in a meeting (表决), recorded by name. */
export const meetingVotes = pgTable(
  'meeting_votes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    question: text('question').notNull(),
    method: text('method').$type<VoteMethod>().notNull(),
    weights: jsonb('weights').$type<VoteWeights>().notNull(),
    status: text('status').$type<VoteStatus>().notNull().default('open'),
    tally: jsonb('tally').$type<VoteTally>(),
    createdBy: uuid('created_by').references(() => staff.id),
    createdAt: createdAt(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('meeting_votes_meeting_idx').on(t.meetingId)],
);

/** One named ballot; the weight applied is kept so the published tally can be re-checked. */
export const meetingBallots = pgTable(
  'meeting_ballots',
  {
    voteId: uuid('vote_id')
      .notNull()
      .references(() => meetingVotes.id),
    participantId: uuid('participant_id')
      .notNull()
      .references(() => meetingParticipants.id),
    choice: text('choice').$type<BallotChoice>().notNull(),
    voterClass: text('voter_class'),
    weight: doublePrecision('weight').notNull(),
    recordedBy: uuid('recorded_by').references(() => staff.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.voteId, t.participantId] })],
);

/** The speaking-time log: one row per turn taken, so balance can be shown as the meeting goes. */
export const speakingTurns = pgTable(
  'speaking_turns',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    participantId: uuid('participant_id')
      .notNull()
      .references(() => meetingParticipants.id),
    seconds: integer('seconds').notNull(),
    recordedBy: uuid('recorded_by').references(() => staff.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('speaking_turns_meeting_idx').on(t.meetingId)],
);

// ---------------------------------------------------------------- results

/** The published result of a topic's deliberation (成果公示), with the tallies published alongside. */
export const deliberationResults = pgTable('deliberation_results', {
  topicId: uuid('topic_id')
    .primaryKey()
    .references(() => topics.id),
  summary: jsonb('summary').$type<LocalizedText>().notNull(),
  /** The closed votes whose tallies were published with the result. */
  voteIds: uuid('vote_ids').array().notNull().default(sql`'{}'::uuid[]`),
  noticeCampaignId: uuid('notice_campaign_id').references(() => campaigns.id),
  /** Whether it was published by `topics.result_due_on`. */
  onTime: boolean('on_time').notNull(),
  publishedBy: uuid('published_by').references(() => staff.id),
  publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
});
