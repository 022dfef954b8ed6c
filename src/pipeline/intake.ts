/**
 * The one shape every channel's input takes before it enters the core: an SMS, a voice-call step, a
 * kiosk or website submission, a proxy writer's record. `ingest` accepts nothing else.
 */
import { z } from 'zod';
import { type Actor, CONSENT_KINDS, RESIDENT_VIAS } from '../core/actor.ts';
import { CHANNELS, LOCALES, STAFF_ROLES, STANCES } from '../db/schema.ts';

export const actorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resident'), via: z.enum(RESIDENT_VIAS), residentId: z.uuid().optional() }),
  z.object({
    type: z.literal('proxy'),
    staffId: z.uuid(),
    residentId: z.uuid(),
    consent: z.enum(CONSENT_KINDS),
    visitId: z.string().min(1).max(200),
  }),
  z.object({ type: z.literal('staff'), staffId: z.uuid(), roles: z.array(z.enum(STAFF_ROLES)) }),
  z.object({ type: z.literal('system'), job: z.string().min(1).max(200) }),
]) satisfies z.ZodType<Actor>;

/**
 * What a channel says an input is; `text` when it cannot tell (a free SMS reply, say);
 * `unclassified` when a conversation has already found it answers nothing ("1 2" to a survey question).
 */
export const DECLARED_KINDS = [
  'text',
  'unclassified',
  'demand',
  'opinion',
  'vote',
  'survey_answer',
  'opt_out',
  'opt_in',
  'help',
] as const;
export type DeclaredKind = (typeof DECLARED_KINDS)[number];

export const intakeAudioSchema = z.object({
  /** Where the recording lives (the provider's recording URL). */
  url: z.url(),
  durationSeconds: z.number().nonnegative(),
  /** Asynchronous transcription of the recording, when there is one. */
  transcript: z.string().max(10_000).optional(),
  /** What live speech recognition heard during the call. */
  speechResult: z.string().max(2_000).optional(),
  confidence: z.number().min(0).max(1).optional(),
});
export type IntakeAudio = z.infer<typeof intakeAudioSchema>;

export const intakeSchema = z.object({
  channel: z.enum(CHANNELS),
  /** The channel's own id: Twilio MessageSid, CallSid + step, a client-generated UUID. */
  externalId: z.string().min(1).max(200),
  actor: actorSchema,
  declaredKind: z.enum(DECLARED_KINDS),
  /** The number as the channel received it; used only to find the resident, never stored as such. */
  phone: z.string().min(1).max(40).optional(),
  /** A topic as people write it: 'T23', 't23', '#23', '23'. */
  topicRef: z.string().trim().min(1).max(40).optional(),
  stance: z.enum(STANCES).optional(),
  surveyRef: z.string().trim().min(1).max(120).optional(),
  questionRef: z.string().trim().min(1).max(60).optional(),
  text: z.string().max(5_000).optional(),
  choice: z.string().trim().min(1).max(200).optional(),
  audio: intakeAudioSchema.optional(),
  location: z.string().trim().max(500).optional(),
  impact: z.string().trim().max(500).optional(),
  /** Where an anonymous input belongs when no resident says so (a kiosk's community). */
  communityId: z.uuid().optional(),
  language: z.enum(LOCALES),
  receivedAt: z.coerce.date(),
});

/** One input from any channel, validated. */
export type Intake = z.infer<typeof intakeSchema>;
/** What a channel may hand over (dates may still be ISO strings, e.g. from a kiosk's offline queue). */
export type IntakeInput = z.input<typeof intakeSchema>;
