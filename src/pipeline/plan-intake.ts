/**
 * What an intake becomes, decided without the database: its classification, the answer, the intake row
 * and the record it adds (opinion, vote, survey answer, demand, opt-out change). `ingest` stores a plan
 * in a transaction; the SMS channel stores the same plan in one statement. One plan, so an input means
 * the same thing whichever way it is stored.
 */
import type {
  Channel,
  demands,
  intakes,
  Locale,
  OptOutChannel,
  opinions,
  residents,
  surveyAnswers,
  TopicStatus,
  votes,
} from '../db/schema.ts';
import { redactPhoneNumbers } from '../residents/redact-phone-numbers.ts';
import { parseTopicRef } from '../topics/find-topic-by-code.ts';
import {
  type ClassifiableTopic,
  type Classification,
  classifyIntake,
  findTopicRefInIntake,
} from './classify-intake.ts';
import type { Intake } from './intake.ts';
import { type Outcome, outcomeSchema } from './outcome.ts';

export const DEFAULT_HELP_PHONE = '12345';

/** Opinions are taken while a topic is on public notice and while it is being deliberated. */
export const OPEN_FOR_OPINIONS: readonly TopicStatus[] = ['published', 'deliberating'];
export const OPEN_FOR_VOTES: readonly TopicStatus[] = ['deliberating'];

/** What a plan needs to know of the resident an intake is attributed to. */
export type IntakeResident = Pick<
  typeof residents.$inferSelect,
  'id' | 'preferredLocale' | 'communityId' | 'gridId'
>;

export interface IntakePlanContext {
  resident: IntakeResident | undefined;
  /** The topic `findTopicRefInIntake` points at, when it exists. */
  topic: ClassifiableTopic | undefined;
  helpPhone: string;
  /** A channel's own wording of the answer (see `IngestOptions.composeOutcome`). */
  composeOutcome?: ((outcome: Outcome) => Outcome) | undefined;
}

export interface IntakePlan {
  topicRef: string | undefined;
  classification: Classification;
  outcome: Outcome;
}

/** A survey reference resolved to the survey and question it names; unknown surveys keep only the ref. */
export interface ResolvedSurveyRef {
  survey: { id: string; code: string; topicId: string | null } | undefined;
  questionId: string | null;
}

/** The record an intake adds besides itself. */
export type IntakeEffect =
  | { type: 'none' }
  | { type: 'opinion'; values: typeof opinions.$inferInsert }
  | { type: 'vote'; values: typeof votes.$inferInsert }
  | { type: 'survey_answer'; values: typeof surveyAnswers.$inferInsert }
  | { type: 'demand'; values: typeof demands.$inferInsert }
  | {
      type: 'channel_opt_out';
      residentId: string;
      channel: OptOutChannel;
      optedOut: boolean;
      reason: string;
    };

const DIGIT = /\p{Nd}/gu;
/** No region has valid phone numbers shorter than four digits (libphonenumber's metadata). */
const FEWEST_DIGITS_IN_A_PHONE_NUMBER = 4;

/**
 * `redactPhoneNumbers`, skipped for text with too few digits to hold a phone number ("1", "2 太吵了",
 * "T23 支持"): most replies, and looking for numbers costs more than the rest of planning.
 */
function redact(text: string): string {
  const digits = text.normalize('NFKC').match(DIGIT)?.length ?? 0;
  return digits < FEWEST_DIGITS_IN_A_PHONE_NUMBER ? text : redactPhoneNumbers(text);
}

function optOutChannelOf(channel: Channel): OptOutChannel {
  // Opting out from a kiosk or the website means the messages people mostly receive: SMS.
  return channel === 'voice' ? 'voice' : 'sms';
}

/** Classifies an intake and composes its answer in the resident's language (stored, else the intake's). */
export function planIntake(intake: Intake, context: IntakePlanContext): IntakePlan {
  const topicRef = findTopicRefInIntake(intake);
  const classification = classifyIntake(intake, context.topic);
  const built = buildOutcome(classification, {
    intake,
    resident: context.resident,
    helpPhone: context.helpPhone,
    locale: context.resident?.preferredLocale ?? intake.language,
  });
  const outcome = context.composeOutcome ? outcomeSchema.parse(context.composeOutcome(built)) : built;
  return { topicRef, classification, outcome };
}

/** The intake row of a plan; phone numbers typed into the words are replaced before storage. */
export function intakeRow(
  intake: Intake,
  plan: IntakePlan,
  stored: { id?: string; residentId: string | null; topicId: string | null; now: Date },
): typeof intakes.$inferInsert {
  return {
    // Undefined lets the database choose it.
    id: stored.id,
    channel: intake.channel,
    externalId: intake.externalId,
    actorType: intake.actor.type,
    actor: intake.actor,
    residentId: stored.residentId,
    proxyStaffId: intake.actor.type === 'proxy' ? intake.actor.staffId : null,
    declaredKind: intake.declaredKind,
    kind: plan.classification.kind,
    topicRef: plan.topicRef ?? null,
    topicId: stored.topicId,
    surveyRef: intake.surveyRef ?? null,
    text: intake.text === undefined ? null : redact(intake.text),
    choice: intake.choice === undefined ? null : redact(intake.choice),
    audio: intake.audio
      ? {
          ...intake.audio,
          transcript: intake.audio.transcript && redact(intake.audio.transcript),
          speechResult: intake.audio.speechResult && redact(intake.audio.speechResult),
        }
      : null,
    language: intake.language,
    receivedAt: intake.receivedAt,
    outcome: plan.outcome,
    createdAt: stored.now,
  };
}

/**
 * The record a stored intake adds: an opinion or vote while its topic is open, the survey answer, the
 * demand, or a change of opt-out (residents only). Survey answers need their reference resolved first.
 */
export function intakeEffect(
  intake: Intake,
  plan: IntakePlan,
  stored: {
    intakeId: string;
    resident: IntakeResident | undefined;
    now: Date;
    survey?: ResolvedSurveyRef | undefined;
  },
): IntakeEffect {
  const c = plan.classification;
  const { intakeId, resident, now } = stored;
  const residentId = resident?.id ?? null;
  const proxyStaffId = intake.actor.type === 'proxy' ? intake.actor.staffId : null;
  switch (c.kind) {
    case 'opinion':
      if (!OPEN_FOR_OPINIONS.includes(c.topic.status)) return { type: 'none' };
      return {
        type: 'opinion',
        values: {
          intakeId,
          topicId: c.topic.id,
          residentId,
          stance: c.stance,
          text: c.text === null ? null : redact(c.text),
          channel: intake.channel,
          proxyStaffId,
          createdAt: now,
        },
      };
    case 'vote':
      if (!OPEN_FOR_VOTES.includes(c.topic.status)) return { type: 'none' };
      return {
        type: 'vote',
        values: {
          intakeId,
          topicId: c.topic.id,
          residentId,
          choice: c.choice,
          channel: intake.channel,
          proxyStaffId,
          createdAt: now,
        },
      };
    case 'survey_answer': {
      const survey = stored.survey?.survey;
      return {
        type: 'survey_answer',
        values: {
          intakeId,
          surveyRef: survey?.code ?? c.surveyRef,
          surveyId: survey?.id ?? null,
          questionId: stored.survey?.questionId ?? null,
          topicId: c.topic?.id ?? survey?.topicId ?? null,
          residentId,
          answer: redact(c.answer),
          channel: intake.channel,
          createdAt: now,
        },
      };
    }
    case 'demand':
      return {
        type: 'demand',
        values: {
          intakeId,
          residentId,
          communityId: resident?.communityId ?? intake.communityId ?? null,
          gridId: resident?.gridId ?? null,
          text: redact(c.text),
          location: c.location === null ? null : redact(c.location),
          impact: c.impact === null ? null : redact(c.impact),
          channel: intake.channel,
          proxyStaffId,
          createdAt: now,
        },
      };
    case 'opt_out':
    case 'opt_in':
      if (!resident) return { type: 'none' };
      return {
        type: 'channel_opt_out',
        residentId: resident.id,
        channel: optOutChannelOf(intake.channel),
        optedOut: c.kind === 'opt_out',
        reason: `${c.keyword ? `reply:${c.keyword}` : `${intake.channel}:${intake.declaredKind}`} (intake ${intakeId})`,
      };
    case 'help':
    case 'unclassified':
      return { type: 'none' };
  }
}

function buildOutcome(
  c: Classification,
  context: {
    intake: Intake;
    resident: IntakeResident | undefined;
    helpPhone: string;
    locale: Locale;
  },
): Outcome {
  const { intake, resident, helpPhone, locale } = context;
  const base = { kind: c.kind, locale, ...(resident ? { residentId: resident.id } : {}) };
  switch (c.kind) {
    case 'opinion':
      return {
        ...base,
        topicCode: c.topic.code,
        messageKey: OPEN_FOR_OPINIONS.includes(c.topic.status)
          ? `pipeline:opinion.${c.stance}`
          : 'pipeline:opinion.topicNotOpen',
        params: { topicCode: c.topic.code, stance: c.stance },
      };
    case 'vote':
      return {
        ...base,
        topicCode: c.topic.code,
        messageKey: OPEN_FOR_VOTES.includes(c.topic.status)
          ? 'pipeline:vote.recorded'
          : 'pipeline:vote.topicNotOpen',
        params: { topicCode: c.topic.code, choice: c.choice },
      };
    case 'survey_answer':
      return {
        ...base,
        ...(c.topic ? { topicCode: c.topic.code } : {}),
        messageKey: 'pipeline:survey.recorded',
        params: { surveyRef: c.surveyRef },
      };
    case 'demand':
      return { ...base, messageKey: 'pipeline:demand.recorded', params: {} };
    case 'opt_out':
    case 'opt_in': {
      const group = c.kind === 'opt_out' ? 'optOut' : 'optIn';
      return {
        ...base,
        messageKey: resident
          ? `pipeline:${group}.${optOutChannelOf(intake.channel)}`
          : `pipeline:${group}.noResident`,
        params: { helpPhone },
      };
    }
    case 'help':
      return { ...base, messageKey: 'pipeline:help.menu', params: { helpPhone } };
    case 'unclassified': {
      const n = c.topicRef ? parseTopicRef(c.topicRef) : undefined;
      const topicCode = n === undefined ? (c.topicRef ?? '') : `T${n}`;
      switch (c.reason) {
        case 'unknown_topic':
          return {
            ...base,
            messageKey: 'pipeline:unclassified.unknownTopic',
            params: { topicCode, helpPhone },
          };
        case 'topic_only':
          return {
            ...base,
            topicCode,
            messageKey: 'pipeline:unclassified.topicOnly',
            params: { topicCode, helpPhone },
          };
        case 'stance_without_topic':
          return { ...base, messageKey: 'pipeline:unclassified.noTopicCode', params: { helpPhone } };
        case 'empty':
        case 'unrecognised':
        case 'incomplete':
          return { ...base, messageKey: 'pipeline:unclassified.kept', params: { helpPhone } };
      }
    }
  }
}
