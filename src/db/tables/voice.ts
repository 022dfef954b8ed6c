/**
 * The voice channel: one row per phone call (inbound IVR or outbound survey call) holding where the
 * caller is in the flow, and the call-back requests residents leave for a person to ring them.
 */
import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { communities, deliveries, type Locale, residents, staff } from './core.ts';

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

/** Twilio's call statuses, as its status callbacks and webhooks report them. */
export const CALL_STATUSES = [
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'no-answer',
  'canceled',
  'failed',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** Statuses after which a call is over. */
export const FINAL_CALL_STATUSES: readonly CallStatus[] = [
  'completed',
  'busy',
  'no-answer',
  'canceled',
  'failed',
];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Where a call is in its flow. Each flow owns the keys it writes; `step` and `misses` are shared so
 * that `*` (repeat), `0` (a person) and the re-prompt rules work the same in every flow.
 */
export interface VoiceCallState {
  /** The flow the caller is in: 'inbound', 'survey', … */
  flow?: string;
  /** The question the caller was last asked, e.g. 'menu', 'topics', 'stance'. */
  step?: string;
  /** Consecutive times the current question got no input or no match. */
  misses?: number;
  [key: string]: JsonValue | undefined;
}

export const voiceCalls = pgTable(
  'voice_calls',
  {
    callSid: text('call_sid').primaryKey(),
    direction: text('direction').$type<CallDirection>().notNull(),
    /** Null for callers whose number is not a known resident's: they take part anonymously. */
    residentId: uuid('resident_id').references(() => residents.id),
    /** The outbound delivery the call carries. */
    deliveryId: uuid('delivery_id').references(() => deliveries.id),
    /** Null until the caller chooses (or is known to speak) a language. */
    locale: text('locale').$type<Locale>(),
    slowSpeech: boolean('slow_speech').notNull().default(false),
    state: jsonb('state').$type<VoiceCallState>().notNull().default({}),
    status: text('status').$type<CallStatus>().notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('voice_calls_resident_idx').on(t.residentId),
    index('voice_calls_delivery_idx').on(t.deliveryId),
    index('voice_calls_started_idx').on(t.startedAt),
  ],
);

/** Why a call-back was booked. */
export const CALLBACK_REASONS = [
  /** The caller chose "a person will call me back" in the menu. */
  'requested',
  /** The caller pressed 0 outside office hours. */
  'after_hours',
  /** The caller could not be understood (or said nothing) twice, then asked for or needed a person. */
  'not_understood',
  /** The caller was put through in office hours but nobody answered. */
  'transfer_unanswered',
] as const;
export type CallbackReason = (typeof CALLBACK_REASONS)[number];

export const CALLBACK_STATUSES = ['open', 'done'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** A caller waiting for a person to ring back; staff see open ones in the console. */
export const voiceCallbacks = pgTable(
  'voice_callbacks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** One open request per call: pressing 0 twice after hours books one call-back. */
    callSid: text('call_sid')
      .notNull()
      .unique()
      .references(() => voiceCalls.callSid),
    residentId: uuid('resident_id').references(() => residents.id),
    /** The resident's community, so that the staff who work there see the request. */
    communityId: uuid('community_id').references(() => communities.id),
    /** AES-256-GCM ciphertext of the number to ring (anonymous callers have no resident record). */
    phoneCipher: text('phone_cipher').notNull(),
    locale: text('locale').$type<Locale>().notNull(),
    reason: text('reason').$type<CallbackReason>().notNull(),
    status: text('status').$type<CallbackStatus>().notNull().default('open'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    doneAt: timestamp('done_at', { withTimezone: true }),
    doneBy: uuid('done_by').references(() => staff.id),
    note: text('note'),
  },
  (t) => [index('voice_callbacks_open_idx').on(t.requestedAt).where(sql`${t.status} = 'open'`)],
);
