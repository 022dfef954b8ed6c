/**
 * Proxy writing (代笔): grid workers, volunteers and social workers recording what residents who
 * cannot attend or cannot write want to say. Every proxied record is stamped (resident, proxy, visit,
 * reason, consent, read-back, time, place) and never changes: database triggers refuse UPDATE and
 * DELETE of the stamp (custom migration `proxy_immutable`). What does change — whether the resident
 * confirmed it — lives beside it in `proxy_confirmations`.
 */
import { sql } from 'drizzle-orm';
import { index, integer, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import {
  communities,
  deliveries,
  intakes,
  type Locale,
  residents,
  staff,
  surveyQuestions,
  surveys,
  topics,
} from './core.ts';

/** Why the resident needs someone to write for them. */
export const PROXY_REASONS = [
  'cannot_read_write',
  'mobility',
  'visual',
  'hearing',
  'illness',
  'other',
] as const;
export type ProxyReason = (typeof PROXY_REASONS)[number];

/** What a proxy may record on a resident's behalf: what the other channels accept. */
export const PROXY_RECORD_KINDS = ['opinion', 'need', 'vote', 'survey_answer'] as const;
export type ProxyRecordKind = (typeof PROXY_RECORD_KINDS)[number];

/**
 * Where a record stands with its resident:
 * - `awaiting_reply`: asked by SMS or voice call, no answer yet;
 * - `awaiting_visit`: the resident has no phone (or cannot be reached by one): someone else must visit;
 * - `confirmed` / `disputed`: the resident said it is right / wrong;
 * - `unconfirmed`: no answer within three days (still counted, shown as such);
 * - `superseded`: a correction replaced it (both kept).
 */
export const CONFIRMATION_STATUSES = [
  'awaiting_reply',
  'awaiting_visit',
  'confirmed',
  'disputed',
  'unconfirmed',
  'superseded',
] as const;
export type ConfirmationStatus = (typeof CONFIRMATION_STATUSES)[number];

/** How the resident was asked, and how they answered. */
export const CONFIRMATION_CHANNELS = ['sms', 'voice', 'visit'] as const;
export type ConfirmationChannel = (typeof CONFIRMATION_CHANNELS)[number];

/** Why a resident is on the list of homes to visit. */
export const VISIT_LIST_REASONS = [
  'second_visit',
  'cannot_read_delivery',
  'home_visit_request',
  'under_heard',
] as const;
export type VisitListReason = (typeof VISIT_LIST_REASONS)[number];

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/**
 * A proxy's home visit to one resident. One open visit per proxy (partial unique index); it expires
 * 30 minutes after it starts unless extended while still open. The consent columns never change.
 */
export const proxyVisits = pgTable(
  'proxy_visits',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    proxyStaffId: uuid('proxy_staff_id')
      .notNull()
      .references(() => staff.id),
    residentId: uuid('resident_id')
      .notNull()
      .references(() => residents.id),
    /** The resident's community when the visit started (anomaly checks compare it with the proxy's). */
    communityId: uuid('community_id').references(() => communities.id),
    reason: text('reason').$type<ProxyReason>().notNull(),
    /** What "other" means, or any detail the proxy adds. */
    reasonNote: text('reason_note'),
    /** Sign-language or other interpreter present (required when the reason is hearing). */
    interpreterName: text('interpreter_name'),
    /** The resident's language: what the read-back and the confirmation message are in. */
    locale: text('locale').$type<Locale>().notNull(),
    consentKind: text('consent_kind').$type<'verbal' | 'signature' | 'thumbprint' | 'guardian'>().notNull(),
    /** The signature as drawn on screen: SVG path data in a 0–1000 × 0–400 box. */
    consentSignature: text('consent_signature'),
    /** Where a paper signature or thumbprint is kept, or what the proxy noted about consent. */
    consentNote: text('consent_note'),
    /** The guardian who consented for the resident. */
    guardianName: text('guardian_name'),
    /** Where the visit took place, as the proxy described it (optional). */
    location: text('location'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    extensions: smallint('extensions').notNull().default(0),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** 'finished' by the proxy, 'expired' when found past its time, 'replaced' by a new visit. */
    endedReason: text('ended_reason'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('proxy_visits_one_open_uq').on(t.proxyStaffId).where(sql`ended_at is null`),
    index('proxy_visits_resident_idx').on(t.residentId),
  ],
);

/**
 * One proxied record, stamped and immutable. It went through `ingest` as intake `intakeId` (channel
 * `proxy`, externalId = the device-generated `clientId`), so it counts like every other channel.
 * A correction is a new row with `supersedesId` pointing at the one it corrects.
 */
export const proxyRecords = pgTable(
  'proxy_records',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Generated where the proxy pressed submit (phone or server); the intake's externalId. */
    clientId: uuid('client_id').notNull().unique(),
    intakeId: uuid('intake_id')
      .notNull()
      .unique()
      .references(() => intakes.id),
    visitId: uuid('visit_id')
      .notNull()
      .references(() => proxyVisits.id),
    residentId: uuid('resident_id')
      .notNull()
      .references(() => residents.id),
    proxyStaffId: uuid('proxy_staff_id')
      .notNull()
      .references(() => staff.id),
    communityId: uuid('community_id').references(() => communities.id),
    kind: text('kind').$type<ProxyRecordKind>().notNull(),
    topicId: uuid('topic_id').references(() => topics.id),
    surveyId: uuid('survey_id').references(() => surveys.id),
    questionId: uuid('question_id').references(() => surveyQuestions.id),
    /** Opinion stance, vote choice or survey answer key. */
    choice: text('choice'),
    /** The resident's words as written down (phone numbers replaced by [phone]). */
    text: text('text'),
    /** Where a need is (needs only). */
    place: text('place'),
    reason: text('reason').$type<ProxyReason>().notNull(),
    interpreterName: text('interpreter_name'),
    consentKind: text('consent_kind').$type<'verbal' | 'signature' | 'thumbprint' | 'guardian'>().notNull(),
    /** Exactly what was shown in large text and read aloud to the resident before submitting. */
    readBackText: text('read_back_text').notNull(),
    readBackLocale: text('read_back_locale').$type<Locale>().notNull(),
    /** When the proxy confirmed the read-back (device time for records made offline). */
    readBackAt: timestamp('read_back_at', { withTimezone: true }).notNull(),
    /** When the proxy submitted it (device time, checked against the visit). */
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    /** When the server received it (later than recordedAt for records made without signal). */
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    location: text('location'),
    version: integer('version').notNull().default(1),
    supersedesId: uuid('supersedes_id'),
    correctionNote: text('correction_note'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('proxy_records_supersedes_uq').on(t.supersedesId),
    index('proxy_records_proxy_idx').on(t.proxyStaffId, t.recordedAt),
    index('proxy_records_resident_idx').on(t.residentId),
    index('proxy_records_visit_idx').on(t.visitId),
  ],
);

/** Whether the resident confirmed a record; changes as answers arrive (each change audited). */
export const proxyConfirmations = pgTable(
  'proxy_confirmations',
  {
    recordId: uuid('record_id')
      .primaryKey()
      .references(() => proxyRecords.id),
    residentId: uuid('resident_id')
      .notNull()
      .references(() => residents.id),
    status: text('status').$type<ConfirmationStatus>().notNull(),
    /** How the resident was asked. */
    channel: text('channel').$type<ConfirmationChannel>().notNull(),
    deliveryId: uuid('delivery_id').references(() => deliveries.id),
    askedAt: timestamp('asked_at', { withTimezone: true }).notNull(),
    /** After this, with no answer, the record becomes `unconfirmed` (SMS and voice only). */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    answeredVia: text('answered_via').$type<ConfirmationChannel>(),
    /** The intake (an SMS reply) or call that carried the answer. */
    evidence: text('evidence'),
    /** The staff member who heard the answer on a second visit. */
    answeredByStaffId: uuid('answered_by_staff_id').references(() => staff.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('proxy_confirmations_status_idx').on(t.status, t.dueAt),
    index('proxy_confirmations_resident_idx').on(t.residentId),
  ],
);

/** A disputed record, for the supervisors of its community to look into. */
export const proxyAlerts = pgTable(
  'proxy_alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recordId: uuid('record_id')
      .notNull()
      .references(() => proxyRecords.id),
    proxyStaffId: uuid('proxy_staff_id')
      .notNull()
      .references(() => staff.id),
    communityId: uuid('community_id').references(() => communities.id),
    kind: text('kind').$type<'disputed'>().notNull(),
    createdAt: createdAt(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: uuid('acknowledged_by').references(() => staff.id),
    acknowledgedNote: text('acknowledged_note'),
  },
  (t) => [uniqueIndex('proxy_alerts_record_kind_uq').on(t.recordId, t.kind)],
);

/**
 * Homes to visit: a second visit to hear a record confirmed by someone other than its proxy, a message
 * the resident cannot read, a visit the resident asked for, a group not yet heard on a topic. One open
 * item per (resident, reason, topic); `deliveryId` marks an item closed for a delivery routed to a visit.
 */
export const proxyVisitList = pgTable(
  'proxy_visit_list',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    residentId: uuid('resident_id')
      .notNull()
      .references(() => residents.id),
    reason: text('reason').$type<VisitListReason>().notNull(),
    topicId: uuid('topic_id').references(() => topics.id),
    deliveryId: uuid('delivery_id').references(() => deliveries.id),
    note: text('note'),
    communityId: uuid('community_id').references(() => communities.id),
    /** Who must not make this visit (the proxy whose record a second visit checks). */
    excludedStaffId: uuid('excluded_staff_id').references(() => staff.id),
    status: text('status').$type<'open' | 'done'>().notNull().default('open'),
    createdAt: createdAt(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: uuid('closed_by').references(() => staff.id),
    closedNote: text('closed_note'),
  },
  (t) => [
    uniqueIndex('proxy_visit_list_open_uq')
      .on(t.residentId, t.reason, sql`coalesce(${t.topicId}, '00000000-0000-0000-0000-000000000000'::uuid)`)
      .where(sql`status = 'open'`),
    uniqueIndex('proxy_visit_list_delivery_uq').on(t.deliveryId),
    index('proxy_visit_list_community_idx').on(t.communityId, t.status),
  ],
);
