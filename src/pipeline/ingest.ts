import { and, eq } from 'drizzle-orm';
import { actorResidentId } from '../core/actor.ts';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import type { DbOrTx } from '../db/database.ts';
import {
  type Channel,
  demands,
  intakes,
  opinions,
  residents,
  surveyAnswers,
  surveyQuestions,
  surveys,
  votes,
} from '../db/schema.ts';
import { findOrCreateResidentByPhone, type Resident } from '../residents/find-or-create-resident-by-phone.ts';
import { setChannelOptOut } from '../residents/set-channel-opt-out.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { findTopicByCode } from '../topics/find-topic-by-code.ts';
import { findTopicRefInIntake } from './classify-intake.ts';
import { type Intake, type IntakeInput, intakeSchema } from './intake.ts';
import { type Outcome, outcomeSchema } from './outcome.ts';
import {
  DEFAULT_HELP_PHONE,
  type IntakeEffect,
  intakeEffect,
  intakeRow,
  planIntake,
  type ResolvedSurveyRef,
} from './plan-intake.ts';

export type { Outcome } from './outcome.ts';
export { DEFAULT_HELP_PHONE, OPEN_FOR_OPINIONS, OPEN_FOR_VOTES } from './plan-intake.ts';

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
  const plan = planIntake(intake, { resident, topic, helpPhone, composeOutcome });
  const { outcome } = plan;

  // Under concurrency, a second delivery waits here for the first to commit, then inserts nothing.
  const [inserted] = await ctx.db
    .insert(intakes)
    .values(intakeRow(intake, plan, { residentId: resident?.id ?? null, topicId: topic?.id ?? null, now }))
    .onConflictDoNothing({ target: [intakes.channel, intakes.externalId] })
    .returning({ id: intakes.id });
  if (!inserted) {
    const winner = await findIngested(ctx.db, intake.channel, intake.externalId);
    if (!winner) throw new Error('intake vanished after a (channel, external_id) conflict');
    // Undo whatever this attempt created (a resident met for the first time, say).
    throw new AlreadyIngested(winner);
  }

  const intakeId = inserted.id;
  const c = plan.classification;
  const survey =
    c.kind === 'survey_answer' ? await findSurveyQuestion(ctx.db, c.surveyRef, c.questionRef) : undefined;
  await applyEffect(ctx, intakeEffect(intake, plan, { intakeId, resident, now, survey }));
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
        kind: c.kind,
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
): Promise<ResolvedSurveyRef> {
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

async function applyEffect(ctx: Ctx, effect: IntakeEffect): Promise<void> {
  switch (effect.type) {
    case 'none':
      return;
    case 'opinion':
      await ctx.db.insert(opinions).values(effect.values);
      return;
    case 'vote':
      await ctx.db.insert(votes).values(effect.values);
      return;
    case 'survey_answer':
      await ctx.db.insert(surveyAnswers).values(effect.values);
      return;
    case 'demand':
      await ctx.db.insert(demands).values(effect.values);
      return;
    case 'channel_opt_out': {
      const { residentId, channel, optedOut, reason } = effect;
      await setChannelOptOut(ctx, { residentId, channel, optedOut, reason });
      return;
    }
  }
}
