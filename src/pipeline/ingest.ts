import { and, eq } from 'drizzle-orm';
import { actorResidentId } from '../core/actor.ts';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import type { DbOrTx } from '../db/database.ts';
import {
  type Channel,
  demands,
  intakes,
  type OptOutChannel,
  opinions,
  residents,
  surveyAnswers,
  surveyQuestions,
  surveys,
  type TopicStatus,
  votes,
} from '../db/schema.ts';
import { findOrCreateResidentByPhone, type Resident } from '../residents/find-or-create-resident-by-phone.ts';
import { redactPhoneNumbers } from '../residents/redact-phone-numbers.ts';
import { setChannelOptOut } from '../residents/set-channel-opt-out.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { findTopicByCode, parseTopicRef } from '../topics/find-topic-by-code.ts';
import { type Classification, classifyIntake, findTopicRefInIntake } from './classify-intake.ts';
import { type Intake, type IntakeInput, intakeSchema } from './intake.ts';
import { type Outcome, outcomeSchema } from './outcome.ts';

export type { Outcome } from './outcome.ts';

export interface IngestOptions {
  /** The help line quoted in help replies. */
  helpPhone?: string;
  /**
   * Lets a channel that carries a conversation answer in its own words (the next survey question, a
   * clarifying question). Called once, for the first delivery; what it returns is stored and replayed.
   */
  composeOutcome?: (outcome: Outcome) => Outcome;
}

export interface IngestResult {
  intakeId: string;
  outcome: Outcome;
  /** True when this (channel, externalId) was already ingested: the outcome is the first one. */
  duplicate: boolean;
}

export const DEFAULT_HELP_PHONE = '12345';

/** Opinions are taken while a topic is on public notice and while it is being deliberated. */
export const OPEN_FOR_OPINIONS: readonly TopicStatus[] = ['published', 'deliberating'];
export const OPEN_FOR_VOTES: readonly TopicStatus[] = ['deliberating'];

/** Thrown inside the transaction to undo everything when another delivery of the same input won. */
class AlreadyIngested extends Error {
  constructor(readonly first: { intakeId: string; outcome: Outcome }) {
    super('already ingested');
  }
}

/**
 * Records one input from any channel and answers it. Idempotent per (channel, externalId): a repeated
 * delivery stores nothing new and returns the first answer. Nothing is dropped: input that cannot be
 * understood is stored as `unclassified` and answered with help. Records are attributed to
 * `intake.actor`.
 */
export async function ingest(
  ctx: Ctx,
  input: IntakeInput,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const parsed = intakeSchema.safeParse(input);
  if (!parsed.success) {
    throw new ServiceError('validation_failed', 'pipeline:error.invalidIntake', {
      fields: parsed.error.issues.map((issue) => ({
        field: issue.path.join('.'),
        key: 'pipeline:error.invalidField',
        params: { field: issue.path.join('.') },
      })),
    });
  }
  const intake = parsed.data;
  const helpPhone = options.helpPhone ?? DEFAULT_HELP_PHONE;

  // Most repeats arrive well after the first has committed: answer them without a transaction.
  const first = await findIngested(ctx.db, intake.channel, intake.externalId);
  if (first) return { ...first, duplicate: true };

  try {
    return await ctx.db.transaction((tx) =>
      record({ ...ctx, db: tx, actor: intake.actor }, intake, helpPhone, options.composeOutcome),
    );
  } catch (error) {
    if (error instanceof AlreadyIngested) {
      ctx.log.debug(
        { channel: intake.channel },
        'concurrent repeat delivery answered with the first outcome',
      );
      return { ...error.first, duplicate: true };
    }
    throw error;
  }
}

async function findIngested(
  db: DbOrTx,
  channel: Channel,
  externalId: string,
): Promise<{ intakeId: string; outcome: Outcome } | undefined> {
  const [row] = await db
    .select({ id: intakes.id, outcome: intakes.outcome })
    .from(intakes)
    .where(and(eq(intakes.channel, channel), eq(intakes.externalId, externalId)))
    .limit(1);
  return row ? { intakeId: row.id, outcome: outcomeSchema.parse(row.outcome) } : undefined;
}

async function record(
  ctx: Ctx,
  intake: Intake,
  helpPhone: string,
  composeOutcome: IngestOptions['composeOutcome'],
): Promise<IngestResult> {
  const now = ctx.clock.now();
  const resident = await resolveResident(ctx, intake);
  const topicRef = findTopicRefInIntake(intake);
  const topic = topicRef ? await findTopicByCode(ctx.db, topicRef) : undefined;
  const classification = classifyIntake(intake, topic);
  const built = buildOutcome(classification, {
    intake,
    resident,
    helpPhone,
    locale: resident?.preferredLocale ?? intake.language,
  });
  const outcome = composeOutcome ? outcomeSchema.parse(composeOutcome(built)) : built;
  const proxyStaffId = intake.actor.type === 'proxy' ? intake.actor.staffId : null;
  const text = intake.text === undefined ? null : redactPhoneNumbers(intake.text);

  // Under concurrency, a second delivery waits here for the first to commit, then inserts nothing.
  const [inserted] = await ctx.db
    .insert(intakes)
    .values({
      channel: intake.channel,
      externalId: intake.externalId,
      actorType: intake.actor.type,
      actor: intake.actor,
      residentId: resident?.id ?? null,
      proxyStaffId,
      declaredKind: intake.declaredKind,
      kind: classification.kind,
      topicRef: topicRef ?? null,
      topicId: topic?.id ?? null,
      surveyRef: intake.surveyRef ?? null,
      text,
      choice: intake.choice === undefined ? null : redactPhoneNumbers(intake.choice),
      audio: intake.audio
        ? {
            ...intake.audio,
            transcript: intake.audio.transcript && redactPhoneNumbers(intake.audio.transcript),
            speechResult: intake.audio.speechResult && redactPhoneNumbers(intake.audio.speechResult),
          }
        : null,
      language: intake.language,
      receivedAt: intake.receivedAt,
      outcome,
      createdAt: now,
    })
    .onConflictDoNothing({ target: [intakes.channel, intakes.externalId] })
    .returning({ id: intakes.id });
  if (!inserted) {
    const winner = await findIngested(ctx.db, intake.channel, intake.externalId);
    if (!winner) throw new Error('intake vanished after a (channel, external_id) conflict');
    // Undo whatever this attempt created (a resident met for the first time, say).
    throw new AlreadyIngested(winner);
  }

  const intakeId = inserted.id;
  await applyEffect(ctx, { intakeId, intake, classification, resident, proxyStaffId, now });
  if (intake.actor.type === 'proxy') {
    await appendAudit(ctx, {
      action: 'intake.proxy_recorded',
      subjectType: 'intake',
      subjectId: intakeId,
      data: {
        residentId: intake.actor.residentId,
        visitId: intake.actor.visitId,
        consent: intake.actor.consent,
        channel: intake.channel,
        kind: classification.kind,
      },
    });
  }
  return { intakeId, outcome, duplicate: false };
}

async function resolveResident(ctx: Ctx, intake: Intake): Promise<Resident | undefined> {
  const residentId = actorResidentId(intake.actor);
  if (residentId) {
    const [resident] = await ctx.db.select().from(residents).where(eq(residents.id, residentId)).limit(1);
    if (!resident) {
      throw new ServiceError('not_found', 'pipeline:error.residentNotFound', {
        fields: [{ field: 'actor.residentId', key: 'pipeline:error.residentNotFound' }],
      });
    }
    return resident;
  }
  if (intake.phone) {
    const found = await findOrCreateResidentByPhone(ctx, { phone: intake.phone });
    if (!found)
      ctx.log.warn({ channel: intake.channel }, 'intake phone number is not valid; recorded anonymously');
    return found?.resident;
  }
  return undefined;
}

const SURVEY_CODE = /^S(\d{1,9})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The survey a survey code names ('S7') and, within it, the question a reference names: a question id
 * or a 1-based position. Answers to surveys the system does not know keep only their reference.
 */
async function findSurveyQuestion(
  db: DbOrTx,
  surveyRef: string,
  questionRef: string | null,
): Promise<{
  survey: { id: string; code: string; topicId: string | null } | undefined;
  questionId: string | null;
}> {
  const number = SURVEY_CODE.exec(surveyRef.normalize('NFKC').toUpperCase())?.[1];
  if (number === undefined) return { survey: undefined, questionId: null };
  const [survey] = await db
    .select({ id: surveys.id, code: surveys.code, topicId: surveys.topicId })
    .from(surveys)
    .where(eq(surveys.number, Number.parseInt(number, 10)))
    .limit(1);
  if (!survey || questionRef === null) return { survey, questionId: null };
  const position = /^\d{1,4}$/.test(questionRef) ? Number.parseInt(questionRef, 10) : undefined;
  if (position === undefined && !UUID.test(questionRef)) return { survey, questionId: null };
  const [question] = await db
    .select({ id: surveyQuestions.id })
    .from(surveyQuestions)
    .where(
      and(
        eq(surveyQuestions.surveyId, survey.id),
        position === undefined ? eq(surveyQuestions.id, questionRef) : eq(surveyQuestions.position, position),
      ),
    )
    .limit(1);
  return { survey, questionId: question?.id ?? null };
}

function optOutChannelOf(channel: Channel): OptOutChannel {
  // Opting out from a kiosk or the website means the messages people mostly receive: SMS.
  return channel === 'voice' ? 'voice' : 'sms';
}

function buildOutcome(
  c: Classification,
  context: { intake: Intake; resident: Resident | undefined; helpPhone: string; locale: Outcome['locale'] },
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

async function applyEffect(
  ctx: Ctx,
  e: {
    intakeId: string;
    intake: Intake;
    classification: Classification;
    resident: Resident | undefined;
    proxyStaffId: string | null;
    now: Date;
  },
): Promise<void> {
  const { intakeId, intake, classification: c, resident, proxyStaffId, now } = e;
  const residentId = resident?.id ?? null;
  switch (c.kind) {
    case 'opinion':
      if (!OPEN_FOR_OPINIONS.includes(c.topic.status)) return;
      await ctx.db.insert(opinions).values({
        intakeId,
        topicId: c.topic.id,
        residentId,
        stance: c.stance,
        text: c.text === null ? null : redactPhoneNumbers(c.text),
        channel: intake.channel,
        proxyStaffId,
        createdAt: now,
      });
      return;
    case 'vote':
      if (!OPEN_FOR_VOTES.includes(c.topic.status)) return;
      await ctx.db.insert(votes).values({
        intakeId,
        topicId: c.topic.id,
        residentId,
        choice: c.choice,
        channel: intake.channel,
        proxyStaffId,
        createdAt: now,
      });
      return;
    case 'survey_answer': {
      const { survey, questionId } = await findSurveyQuestion(ctx.db, c.surveyRef, c.questionRef);
      await ctx.db.insert(surveyAnswers).values({
        intakeId,
        surveyRef: survey?.code ?? c.surveyRef,
        surveyId: survey?.id ?? null,
        questionId,
        topicId: c.topic?.id ?? survey?.topicId ?? null,
        residentId,
        answer: redactPhoneNumbers(c.answer),
        channel: intake.channel,
        createdAt: now,
      });
      return;
    }
    case 'demand':
      await ctx.db.insert(demands).values({
        intakeId,
        residentId,
        communityId: resident?.communityId ?? intake.communityId ?? null,
        gridId: resident?.gridId ?? null,
        text: redactPhoneNumbers(c.text),
        location: c.location === null ? null : redactPhoneNumbers(c.location),
        impact: c.impact === null ? null : redactPhoneNumbers(c.impact),
        channel: intake.channel,
        proxyStaffId,
        createdAt: now,
      });
      return;
    case 'opt_out':
    case 'opt_in':
      if (!resident) return;
      await setChannelOptOut(ctx, {
        residentId: resident.id,
        channel: optOutChannelOf(intake.channel),
        optedOut: c.kind === 'opt_out',
        reason: `${c.keyword ? `reply:${c.keyword}` : `${intake.channel}:${intake.declaredKind}`} (intake ${intakeId})`,
      });
      return;
    case 'help':
    case 'unclassified':
      return;
  }
}
