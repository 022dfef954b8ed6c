/**
 * The core tables: places, residents, staff, topics, the intake pipeline, surveys, outreach, kiosks,
 * audit. Other areas keep their tables in sibling files that import from here.
 *
 * Closed vocabularies are plain text columns typed in TypeScript and checked by zod at the edges,
 * so that adding a value later never needs an enum migration.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const LOCALES = ['zh-CN', 'zh-HK', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type LocalizedText = Partial<Record<Locale, string>>;

export const CHANNELS = ['sms', 'voice', 'kiosk', 'web', 'proxy', 'console'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Channels a resident can prefer to be reached on; `visit` means a proxy writer's home visit. */
export const CONTACT_CHANNELS = ['sms', 'voice', 'visit'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** Channels a resident can opt out of. */
export const OPT_OUT_CHANNELS = ['sms', 'voice'] as const;
export type OptOutChannel = (typeof OPT_OUT_CHANNELS)[number];

export const RESIDENT_GROUPS = [
  'elderly',
  'disabled',
  'migrant_worker',
  'enterprise_rep',
  'social_org',
  'professional',
  'deputy',
] as const;
export type ResidentGroup = (typeof RESIDENT_GROUPS)[number];

export const ACCESSIBILITY_NEEDS = [
  'blind_low_vision',
  'deaf_hard_of_hearing',
  'cannot_read',
  'motor',
  'cognitive',
] as const;
export type AccessibilityNeed = (typeof ACCESSIBILITY_NEEDS)[number];

export const TOPIC_SOURCES = ['grid_visit', 'online', 'deputy_proposal', 'resident_recommendation'] as const;
export type TopicSource = (typeof TOPIC_SOURCES)[number];

export const TOPIC_STATUSES = [
  'collecting',
  'screening',
  'published',
  'deliberating',
  'result_published',
  'implementing',
  'evaluating',
  'closed',
  'rejected',
] as const;
export type TopicStatus = (typeof TOPIC_STATUSES)[number];

export const INTAKE_KINDS = [
  'demand',
  'opinion',
  'vote',
  'survey_answer',
  'opt_out',
  'opt_in',
  'help',
  'unclassified',
] as const;
export type IntakeKind = (typeof INTAKE_KINDS)[number];

export const STANCES = ['support', 'oppose', 'suggestion'] as const;
export type Stance = (typeof STANCES)[number];

export const STAFF_ROLES = [
  'admin',
  'community_secretary',
  'grid_worker',
  'department_liaison',
  'supervisor',
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

// ---------------------------------------------------------------- places

export const streets = pgTable('streets', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull().unique(),
  name: jsonb('name').$type<LocalizedText>().notNull(),
  createdAt: createdAt(),
});

export const communities = pgTable('communities', {
  id: uuid('id').primaryKey().defaultRandom(),
  streetId: uuid('street_id')
    .notNull()
    .references(() => streets.id),
  code: text('code').notNull().unique(),
  name: jsonb('name').$type<LocalizedText>().notNull(),
  /** Make-up of the community by group (headcounts), the baseline for participation balance. */
  profile: jsonb('profile').$type<Partial<Record<ResidentGroup | 'total', number>>>().notNull().default({}),
  createdAt: createdAt(),
});

export const grids = pgTable('grids', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id')
    .notNull()
    .references(() => communities.id),
  code: text('code').notNull().unique(),
  name: jsonb('name').$type<LocalizedText>().notNull(),
  createdAt: createdAt(),
});

// ---------------------------------------------------------------- residents

export const residents = pgTable(
  'residents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name'),
    /** AES-256-GCM ciphertext of the E.164 number (iv.tag.data, base64url). */
    phoneCipher: text('phone_cipher'),
    /** HMAC-SHA256 blind index of the E.164 number: how a resident is found by phone. */
    phoneHash: text('phone_hash'),
    communityId: uuid('community_id').references(() => communities.id),
    gridId: uuid('grid_id').references(() => grids.id),
    groups: text('groups').array().$type<ResidentGroup[]>().notNull().default(sql`'{}'::text[]`),
    accessibilityNeeds: text('accessibility_needs')
      .array()
      .$type<AccessibilityNeed[]>()
      .notNull()
      .default(sql`'{}'::text[]`),
    preferredLocale: text('preferred_locale').$type<Locale>(),
    preferredChannel: text('preferred_channel').$type<ContactChannel>().notNull().default('sms'),
    /** Minutes after local midnight; quiet hours may wrap past midnight (21:00–08:00 by default). */
    quietStartMinute: smallint('quiet_start_minute')
      .notNull()
      .default(21 * 60),
    quietEndMinute: smallint('quiet_end_minute')
      .notNull()
      .default(8 * 60),
    timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
    /** Remembered voice-channel preference: slower speech. */
    slowSpeech: boolean('slow_speech').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('residents_phone_hash_uq').on(t.phoneHash),
    index('residents_community_idx').on(t.communityId),
    index('residents_grid_idx').on(t.gridId),
  ],
);

/** Opt-out state per resident and channel; absence means opted in. */
export const residentOptOuts = pgTable(
  'resident_opt_outs',
  {
    residentId: uuid('resident_id')
      .notNull()
      .references(() => residents.id),
    channel: text('channel').$type<OptOutChannel>().notNull(),
    optedOut: boolean('opted_out').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
    /** What changed it: a reply keyword, a provider error code, a staff action. */
    reason: text('reason').notNull(),
  },
  (t) => [primaryKey({ columns: [t.residentId, t.channel] })],
);

// ---------------------------------------------------------------- staff

export const staff = pgTable('staff', {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  passwordHash: text('password_hash').notNull(),
  roles: text('roles').array().$type<StaffRole[]>().notNull(),
  /** Communities this person works in (grid workers, secretaries); empty = all. */
  communityIds: uuid('community_ids').array().notNull().default(sql`'{}'::uuid[]`),
  department: text('department'),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

export const staffSessions = pgTable(
  'staff_sessions',
  {
    /** SHA-256 of the session token; the token itself lives only in the cookie. */
    tokenHash: text('token_hash').primaryKey(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id),
    /** Per-session secret for CSRF tokens on staff forms. */
    csrfSecret: text('csrf_secret').notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('staff_sessions_staff_idx').on(t.staffId)],
);

export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    username: text('username').notNull(),
    /** Keyed hash of the client address, so throttling works without storing addresses. */
    sourceHash: text('source_hash').notNull(),
    succeeded: boolean('succeeded').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('login_attempts_user_at_idx').on(t.username, t.at),
    index('login_attempts_src_at_idx').on(t.sourceHash, t.at),
  ],
);

// ---------------------------------------------------------------- topics

export const topics = pgTable(
  'topics',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Short number behind the code residents type in an SMS: T23 → 23. */
    number: serial('number').notNull().unique(),
    code: text('code').notNull().generatedAlwaysAs(sql`'T' || number`),
    title: jsonb('title').$type<LocalizedText>().notNull(),
    summary: jsonb('summary').$type<LocalizedText>().notNull(),
    source: text('source').$type<TopicSource>().notNull(),
    status: text('status').$type<TopicStatus>().notNull().default('collecting'),
    communityId: uuid('community_id').references(() => communities.id),
    rejectReason: text('reject_reason'),
    createdBy: uuid('created_by').references(() => staff.id),
    createdAt: createdAt(),
    screenedAt: timestamp('screened_at', { withTimezone: true }),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /** Last day of publication (inclusive), ≥ 7 Chinese working days. */
    publicationEndsOn: date('publication_ends_on', { mode: 'string' }),
    /** Earliest day deliberation may take place: the working day after publication ends. */
    deliberationEarliestOn: date('deliberation_earliest_on', { mode: 'string' }),
    deliberatedAt: timestamp('deliberated_at', { withTimezone: true }),
    /** Result publication deadline: 7 working days after deliberation. */
    resultDueOn: date('result_due_on', { mode: 'string' }),
    resultPublishedAt: timestamp('result_published_at', { withTimezone: true }),
    implementingAt: timestamp('implementing_at', { withTimezone: true }),
    evaluatingAt: timestamp('evaluating_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    rejectedAt: timestamp('rejected_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('topics_code_uq').on(t.code), index('topics_status_idx').on(t.status)],
);

export const topicTransitions = pgTable(
  'topic_transitions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    fromStatus: text('from_status').$type<TopicStatus>().notNull(),
    toStatus: text('to_status').$type<TopicStatus>().notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actor: jsonb('actor').notNull(),
    note: text('note'),
  },
  (t) => [index('topic_transitions_topic_idx').on(t.topicId)],
);

// ---------------------------------------------------------------- intake pipeline

export const intakes = pgTable(
  'intakes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel').$type<Channel>().notNull(),
    /** The channel's own id: MessageSid, CallSid + step, a client-generated UUID. */
    externalId: text('external_id').notNull(),
    actorType: text('actor_type').notNull(),
    actor: jsonb('actor').notNull(),
    residentId: uuid('resident_id').references(() => residents.id),
    proxyStaffId: uuid('proxy_staff_id').references(() => staff.id),
    /** What the channel said the input is, before classification ("text" when it does not know). */
    declaredKind: text('declared_kind').notNull(),
    kind: text('kind').$type<IntakeKind>().notNull(),
    topicRef: text('topic_ref'),
    topicId: uuid('topic_id').references(() => topics.id),
    surveyRef: text('survey_ref'),
    text: text('text'),
    choice: text('choice'),
    audio: jsonb('audio'),
    language: text('language').$type<Locale>().notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    /** The answer given the first time; a repeated delivery returns exactly this. */
    outcome: jsonb('outcome').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('intakes_channel_external_uq').on(t.channel, t.externalId),
    index('intakes_resident_idx').on(t.residentId),
    index('intakes_topic_idx').on(t.topicId),
    index('intakes_kind_idx').on(t.kind),
  ],
);

export const opinions = pgTable(
  'opinions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    intakeId: uuid('intake_id')
      .notNull()
      .unique()
      .references(() => intakes.id),
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    residentId: uuid('resident_id').references(() => residents.id),
    stance: text('stance').$type<Stance>().notNull(),
    text: text('text'),
    channel: text('channel').$type<Channel>().notNull(),
    proxyStaffId: uuid('proxy_staff_id').references(() => staff.id),
    createdAt: createdAt(),
  },
  (t) => [index('opinions_topic_idx').on(t.topicId)],
);

export const demands = pgTable(
  'demands',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    intakeId: uuid('intake_id')
      .notNull()
      .unique()
      .references(() => intakes.id),
    residentId: uuid('resident_id').references(() => residents.id),
    communityId: uuid('community_id').references(() => communities.id),
    gridId: uuid('grid_id').references(() => grids.id),
    text: text('text').notNull(),
    location: text('location'),
    impact: text('impact'),
    channel: text('channel').$type<Channel>().notNull(),
    proxyStaffId: uuid('proxy_staff_id').references(() => staff.id),
    /** Set when screening turns the demand (or its theme) into a topic. */
    topicId: uuid('topic_id').references(() => topics.id),
    createdAt: createdAt(),
  },
  (t) => [index('demands_community_idx').on(t.communityId)],
);

export const votes = pgTable(
  'votes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    intakeId: uuid('intake_id')
      .notNull()
      .unique()
      .references(() => intakes.id),
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    residentId: uuid('resident_id').references(() => residents.id),
    choice: text('choice').notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    proxyStaffId: uuid('proxy_staff_id').references(() => staff.id),
    createdAt: createdAt(),
  },
  (t) => [index('votes_topic_idx').on(t.topicId)],
);

export const surveyAnswers = pgTable(
  'survey_answers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    intakeId: uuid('intake_id')
      .notNull()
      .unique()
      .references(() => intakes.id),
    surveyRef: text('survey_ref').notNull(),
    surveyId: uuid('survey_id').references(() => surveys.id),
    questionId: uuid('question_id').references(() => surveyQuestions.id),
    topicId: uuid('topic_id').references(() => topics.id),
    residentId: uuid('resident_id').references(() => residents.id),
    answer: text('answer').notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('survey_answers_survey_idx').on(t.surveyRef),
    index('survey_answers_question_idx').on(t.questionId),
  ],
);

// ---------------------------------------------------------------- surveys

export const QUESTION_KINDS = ['satisfaction', 'yes_no', 'text'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** The five-point satisfaction scale; the first three count as satisfied. */
export const SATISFACTION_LEVELS = [
  'very_satisfied',
  'satisfied',
  'basically_satisfied',
  'dissatisfied',
  'very_dissatisfied',
] as const;
export type SatisfactionLevel = (typeof SATISFACTION_LEVELS)[number];

export const surveys = pgTable(
  'surveys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Short number residents may quote: S7. */
    number: serial('number').notNull().unique(),
    code: text('code').notNull().generatedAlwaysAs(sql`'S' || number`),
    title: jsonb('title').$type<LocalizedText>().notNull(),
    topicId: uuid('topic_id').references(() => topics.id),
    /** The responsible department whose work this survey evaluates. */
    department: text('department'),
    createdBy: uuid('created_by').references(() => staff.id),
    createdAt: createdAt(),
  },
  (t) => [index('surveys_topic_idx').on(t.topicId)],
);

export const surveyQuestions = pgTable(
  'survey_questions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id),
    /** 1-based order in which the questions are asked. */
    position: smallint('position').notNull(),
    kind: text('kind').$type<QuestionKind>().notNull(),
    prompt: jsonb('prompt').$type<LocalizedText>().notNull(),
  },
  (t) => [uniqueIndex('survey_questions_position_uq').on(t.surveyId, t.position)],
);

// ---------------------------------------------------------------- outreach

export const CAMPAIGN_KINDS = ['notice', 'survey'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];

export const CAMPAIGN_STATUSES = [
  'draft',
  'scheduled',
  'planned',
  'sending',
  'completed',
  'cancelled',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** Who a campaign reaches; every present criterion must hold (an explicit list overrides the rest). */
export interface CampaignAudience {
  communityIds?: string[];
  gridIds?: string[];
  groups?: ResidentGroup[];
  accessibilityNeeds?: AccessibilityNeed[];
  locales?: Locale[];
  /** Residents following these topics. */
  followersOf?: string[];
  /** Residents who took part (opinion, vote, survey answer, demand linked) in these topics. */
  participantsOf?: string[];
  residentIds?: string[];
}

export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: serial('number').notNull().unique(),
    code: text('code').notNull().generatedAlwaysAs(sql`'C' || number`),
    kind: text('kind').$type<CampaignKind>().notNull(),
    name: text('name').notNull(),
    topicId: uuid('topic_id').references(() => topics.id),
    surveyId: uuid('survey_id').references(() => surveys.id),
    audience: jsonb('audience').$type<CampaignAudience>().notNull(),
    /** The message per locale, with i18next interpolation ({{topicCode}}, {{title}}, …). */
    templates: jsonb('templates').$type<LocalizedText>().notNull(),
    status: text('status').$type<CampaignStatus>().notNull().default('draft'),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    plannedAt: timestamp('planned_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /** Set for campaigns the system starts itself, e.g. `evaluation:<topicId>`, so each starts once. */
    trigger: text('trigger').unique(),
    /**
     * Whether a notice about a topic asks for support or opposition (1/2): replies are read as a stance
     * only then. A meeting or result notice only informs.
     */
    asksStance: boolean('asks_stance').notNull().default(true),
    createdBy: uuid('created_by').references(() => staff.id),
    createdAt: createdAt(),
  },
  (t) => [index('campaigns_status_idx').on(t.status)],
);

export const DELIVERY_STATUSES = [
  /** Written by planning; its job may not be enqueued yet. */
  'queued',
  /** No provider configured: kept in the local outbox, NOT sent. */
  'held_no_credentials',
  /** Handed to the provider; if the process dies here the outcome is unknown. */
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  /** Not sent: the resident opted out of the channel. */
  'skipped_opted_out',
  /** Not sent as text: the resident cannot read; listed for a proxy writer's visit instead. */
  'routed_to_visit',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * Every outbound message is a Delivery row before it is a job (the outbox): campaign notices and
 * surveys, confirmations, one-time codes. The queued job's id is the delivery id.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    campaignId: uuid('campaign_id').references(() => campaigns.id),
    channel: text('channel').$type<'sms' | 'voice'>().notNull(),
    residentId: uuid('resident_id')
      .notNull()
      .references(() => residents.id),
    locale: text('locale').$type<Locale>().notNull(),
    body: text('body').notNull(),
    status: text('status').$type<DeliveryStatus>().notNull(),
    /** Why it was sent: `campaign:<id>`, `proxy-confirmation:<id>`, … Unique so a retry is one message. */
    purpose: text('purpose').notNull().unique(),
    providerId: text('provider_id'),
    /** Provider error code (e.g. 21610) or a short reason; never a phone number. */
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    /** The send may have reached the provider twice (a worker died mid-send and the job was retried). */
    possibleDuplicate: boolean('possible_duplicate').notNull().default(false),
    sendingAt: timestamp('sending_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('deliveries_campaign_resident_uq').on(t.campaignId, t.residentId),
    index('deliveries_status_idx').on(t.status),
    index('deliveries_provider_idx').on(t.providerId),
    index('deliveries_resident_idx').on(t.residentId),
  ],
);

export const PROMPT_KINDS = ['survey_question', 'topic_notice', 'proxy_confirmation'] as const;
export type PromptKind = (typeof PROMPT_KINDS)[number];

/**
 * What a resident was last asked, so that a bare "1" can be understood: the pending survey question or
 * the topic notice that asked for 1/2. One per resident; a newer prompt replaces an older one.
 */
export const pendingPrompts = pgTable('pending_prompts', {
  residentId: uuid('resident_id')
    .primaryKey()
    .references(() => residents.id),
  channel: text('channel').$type<'sms' | 'voice'>().notNull(),
  kind: text('kind').$type<PromptKind>().notNull(),
  topicId: uuid('topic_id').references(() => topics.id),
  surveyId: uuid('survey_id').references(() => surveys.id),
  questionId: uuid('question_id').references(() => surveyQuestions.id),
  campaignId: uuid('campaign_id').references(() => campaigns.id),
  deliveryId: uuid('delivery_id').references(() => deliveries.id),
  /** The proxied record a `proxy_confirmation` prompt asks about (proxy_records.id; no FK: defined later). */
  proxyRecordId: uuid('proxy_record_id'),
  /** A clarifying reply was already sent for this prompt (only one is sent). */
  clarified: boolean('clarified').notNull().default(false),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});

/** Residents who asked to be told about a topic's progress, and how. */
export const topicFollowers = pgTable(
  'topic_followers',
  {
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id),
    residentId: uuid('resident_id')
      .notNull()
      .references(() => residents.id),
    channel: text('channel').$type<'sms' | 'voice'>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.topicId, t.residentId] })],
);

// ---------------------------------------------------------------- kiosks and verification

/** A registered community kiosk; its secret token is stored only as a hash. */
export const kioskDevices = pgTable('kiosk_devices', {
  id: uuid('id').primaryKey().defaultRandom(),
  label: text('label').notNull(),
  location: jsonb('location').$type<LocalizedText>().notNull(),
  communityId: uuid('community_id').references(() => communities.id),
  tokenHash: text('token_hash').notNull().unique(),
  active: boolean('active').notNull().default(true),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/** One-time codes proving a resident holds a phone number before it is linked (attempt-limited). */
export const phoneVerifications = pgTable(
  'phone_verifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    phoneHash: text('phone_hash').notNull(),
    phoneCipher: text('phone_cipher').notNull(),
    codeHash: text('code_hash').notNull(),
    attempts: smallint('attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('phone_verifications_phone_idx').on(t.phoneHash, t.createdAt)],
);

// ---------------------------------------------------------------- audit

/**
 * Append-only, hash-chained: hash = SHA-256(prevHash ‖ canonical JSON of the entry).
 * Changing or deleting any row breaks the chain from that row on (`npm run audit:verify`).
 */
export const auditLog = pgTable('audit_log', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
  actorType: text('actor_type').notNull(),
  actor: jsonb('actor').notNull(),
  action: text('action').notNull(),
  subjectType: text('subject_type').notNull(),
  subjectId: text('subject_id').notNull(),
  data: jsonb('data').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull().unique(),
});

// ---------------------------------------------------------------- runtime bookkeeping

/** Key/value facts about this installation (e.g. demo data loaded). */
export const systemState = pgTable('system_state', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
