import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import {
  type IntakeKind,
  type Locale,
  PROXY_RECORD_KINDS,
  type ProxyRecordKind,
  proxyConfirmations,
  proxyRecords,
  proxyVisits,
  residents,
  staff,
} from '../db/schema.ts';
import type { I18n } from '../i18n/i18n.ts';
import { ingest, type Outcome } from '../pipeline/ingest.ts';
import type { IntakeInput } from '../pipeline/intake.ts';
import { redactPhoneNumbers } from '../residents/redact-phone-numbers.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { confirmationSummary, type SummarySubject } from './confirmation-message.ts';
import { requireProxyWriter } from './proxy-actor.ts';
import { fieldProblem, invalidProxyInput } from './proxy-input.ts';
import { applyReadBack, localizedText, readBackTemplates, sameReadBack, VOTE_CHOICES } from './read-back.ts';
import { ingestOutcome } from './record-outcome.ts';
import {
  loadRecordSubject,
  type RecordSubject,
  readBackSubjectOf,
  surveyAnswerNames,
} from './record-subject.ts';
import {
  type ConfirmationEnv,
  type ConfirmationRequested,
  requestProxyConfirmation,
} from './request-proxy-confirmation.ts';
import { DEVICE_CLOCK_SKEW_MS, visitClosesAt } from './visit-rules.ts';

export const RECORD_TEXT_MAX = 1000;
export const RECORD_PLACE_MAX = 200;

const optional = (max: number) => z.string().max(max, { error: 'proxy:errors.tooLong' }).optional();

export const submitProxyRecordInput = z.object({
  /** Made where submit was pressed (the proxy's phone, or the server for a form without script). */
  clientId: z.uuid({ error: 'proxy:errors.invalidRecordId' }),
  visitId: z.uuid({ error: 'proxy:errors.visitNotFound' }),
  kind: z.enum(PROXY_RECORD_KINDS, { error: 'proxy:errors.kindRequired' }),
  /** Topic code (opinions and votes). */
  topic: z.string().trim().max(40).optional(),
  /** Stance (opinion), vote choice, or survey answer. */
  choice: z.string().trim().max(40).optional(),
  /** Survey code and question id (survey answers). */
  survey: z.string().trim().max(20).optional(),
  question: z.string().trim().max(60).optional(),
  text: optional(RECORD_TEXT_MAX),
  place: optional(RECORD_PLACE_MAX),
  /** The read-back exactly as shown and read aloud. */
  readBackText: z.string().max(10_000),
  /** The proxy's statement that it was read back and the resident agreed. */
  readBackConfirmed: z.boolean(),
  readBackAt: z.coerce.date().optional(),
  /** When submit was pressed, by the device's clock (records made without signal arrive later). */
  recordedAt: z.coerce.date().optional(),
  location: z.string().trim().max(200, { error: 'proxy:errors.tooLong' }).optional(),
  /** The record this one corrects (a new version; the old one is kept). */
  correctsId: z.uuid().optional(),
  correctionNote: z.string().trim().max(500, { error: 'proxy:errors.tooLong' }).optional(),
});
export type SubmitProxyRecordInput = z.input<typeof submitProxyRecordInput>;

export type ProxyRecord = typeof proxyRecords.$inferSelect;

export interface ProxyRecordSubmitted {
  record: ProxyRecord;
  /** True when this clientId was submitted before: nothing new was stored. */
  duplicate: boolean;
  /** The pipeline's answer, as every channel gets it. */
  outcome: Outcome;
  confirmation: ConfirmationRequested | undefined;
}

export interface ProxyRecordEnv extends ConfirmationEnv {
  i18n: I18n;
  helpPhone: string;
}

const INTAKE_KIND: Record<ProxyRecordKind, { declared: IntakeInput['declaredKind']; stored: IntakeKind }> = {
  opinion: { declared: 'opinion', stored: 'opinion' },
  need: { declared: 'demand', stored: 'demand' },
  vote: { declared: 'vote', stored: 'vote' },
  survey_answer: { declared: 'survey_answer', stored: 'survey_answer' },
};

interface Values {
  choice?: string;
  text?: string;
  place?: string;
}

/** The record's values, checked for its kind; field problems name `choice`, `text` or `place`. */
function checkValues(
  subject: RecordSubject,
  input: Pick<z.output<typeof submitProxyRecordInput>, 'text' | 'place' | 'choice'>,
): Values {
  const text = input.text?.trim() || undefined;
  const place = input.place?.trim() || undefined;
  const choice = input.choice || undefined;
  switch (subject.kind) {
    case 'opinion':
      if (choice !== 'support' && choice !== 'oppose' && choice !== 'suggestion') {
        throw fieldProblem('choice', 'proxy:errors.stanceRequired');
      }
      if (choice === 'suggestion' && !text) throw fieldProblem('text', 'proxy:errors.suggestionTextRequired');
      return { choice, ...(text ? { text } : {}) };
    case 'vote':
      if (!VOTE_CHOICES.some((c) => c === choice)) throw fieldProblem('choice', 'proxy:errors.voteRequired');
      return { choice: choice as string };
    case 'need':
      if (!text) throw fieldProblem('text', 'proxy:errors.needRequired');
      return { text, ...(place ? { place } : {}) };
    case 'survey_answer': {
      if (subject.question.kind === 'text') {
        if (!text) throw fieldProblem('text', 'proxy:errors.answerRequired');
        return { text };
      }
      const allowed = Object.keys(surveyAnswerNames(() => '', subject.question.kind));
      if (!choice || !allowed.includes(choice)) throw fieldProblem('choice', 'proxy:errors.answerRequired');
      return { choice };
    }
  }
}

/** The time the record was made: the device's, when it is believable for this visit; else now. */
function recordTime(
  now: Date,
  device: Date | undefined,
  visit: { startedAt: Date; expiresAt: Date; endedAt: Date | null },
): Date {
  const closes = visitClosesAt(visit);
  if (!device) {
    if (now.getTime() >= closes.getTime()) throw new ServiceError('conflict', 'proxy:errors.visitNotOpen');
    return now;
  }
  const t = device.getTime();
  const inVisit =
    t >= visit.startedAt.getTime() - DEVICE_CLOCK_SKEW_MS && t <= closes.getTime() + DEVICE_CLOCK_SKEW_MS;
  if (t > now.getTime() + DEVICE_CLOCK_SKEW_MS || !inVisit) {
    throw new ServiceError('conflict', 'proxy:errors.visitNotOpen');
  }
  return device;
}

function summarySubject(
  subject: RecordSubject,
  values: Values,
  t: (k: string) => string,
  locale: Parameters<typeof localizedText>[1],
): SummarySubject {
  switch (subject.kind) {
    case 'opinion':
      return {
        kind: 'opinion',
        topicCode: subject.topic.code,
        topicTitle: localizedText(subject.topic.title, locale),
        stance: values.choice ?? 'suggestion',
        text: values.text ?? null,
      };
    case 'vote':
      return {
        kind: 'vote',
        topicCode: subject.topic.code,
        topicTitle: localizedText(subject.topic.title, locale),
        choice: values.choice ?? '',
      };
    case 'need':
      return { kind: 'need', text: values.text ?? '' };
    case 'survey_answer':
      return {
        kind: 'survey_answer',
        surveyCode: subject.survey.code,
        answer: values.text ?? surveyAnswerNames(t, subject.question.kind)[values.choice ?? ''] ?? '',
      };
  }
}

/** What a record will be, checked: the visit, the time, the subject, the values and the read-back. */
interface PreparedRecord {
  visit: typeof proxyVisits.$inferSelect;
  resident: typeof residents.$inferSelect;
  subject: RecordSubject;
  values: Values;
  corrected: ProxyRecord | undefined;
  readBack: string;
  recordedAt: Date;
}

export type PreviewProxyRecordInput = Omit<
  SubmitProxyRecordInput,
  'readBackText' | 'readBackConfirmed' | 'readBackAt' | 'clientId'
>;

async function prepareProxyRecord(
  tx: Ctx,
  staffId: string,
  data: Omit<z.output<typeof submitProxyRecordInput>, 'readBackText' | 'readBackConfirmed' | 'clientId'>,
  env: Pick<ProxyRecordEnv, 'i18n'>,
): Promise<PreparedRecord> {
  const [visit] = await tx.db
    .select()
    .from(proxyVisits)
    .where(and(eq(proxyVisits.id, data.visitId), eq(proxyVisits.proxyStaffId, staffId)));
  if (!visit) throw new ServiceError('not_found', 'proxy:errors.visitNotFound');
  const recordedAt = recordTime(tx.clock.now(), data.recordedAt, visit);
  const [resident] = await tx.db.select().from(residents).where(eq(residents.id, visit.residentId));
  if (!resident) throw new Error(`visit ${visit.id} names a missing resident`);
  const subject = await loadRecordSubject(tx, {
    kind: data.kind,
    topicRef: data.topic,
    surveyRef: data.survey,
    questionRef: data.question,
  });
  const values = checkValues(subject, data);
  let corrected: ProxyRecord | undefined;
  if (data.correctsId) {
    [corrected] = await tx.db
      .select()
      .from(proxyRecords)
      .where(and(eq(proxyRecords.id, data.correctsId), eq(proxyRecords.residentId, visit.residentId)));
    if (!corrected) throw new ServiceError('not_found', 'proxy:errors.recordNotFound');
    const [later] = await tx.db
      .select({ id: proxyRecords.id })
      .from(proxyRecords)
      .where(eq(proxyRecords.supersedesId, corrected.id));
    if (later) throw new ServiceError('conflict', 'proxy:errors.alreadyCorrected');
  }
  const t = env.i18n.forLocale(visit.locale);
  const templates = readBackTemplates(t, readBackSubjectOf(subject, t, visit.locale), {
    correction: corrected !== undefined,
  });
  const readBack = applyReadBack(templates, values);
  if (!readBack) throw fieldProblem('choice', 'proxy:errors.answerRequired');
  return { visit, resident, subject, values, corrected, readBack, recordedAt };
}

/**
 * Checks a record as `submitProxyRecord` would and returns the read-back to show and read aloud (for
 * the console without script, which shows the read-back on its own page). Stores nothing.
 */
export async function previewProxyRecord(
  ctx: Ctx,
  input: PreviewProxyRecordInput,
  env: Pick<ProxyRecordEnv, 'i18n'>,
): Promise<{ readBackText: string; locale: Locale }> {
  const { staffId } = requireProxyWriter(ctx);
  const parsed = submitProxyRecordInput
    .omit({ readBackText: true, readBackConfirmed: true, readBackAt: true, clientId: true })
    .safeParse(input);
  if (!parsed.success) throw invalidProxyInput(parsed.error);
  const { readBack, visit } = await prepareProxyRecord(ctx, staffId, parsed.data, env);
  return { readBackText: readBack, locale: visit.locale };
}

/**
 * Submits what the resident said, written down by the proxy during a visit: checks the visit (the
 * proxy's own; the record's time inside it, so records made without signal are accepted when they
 * arrive later), the subject, the values and the read-back (it must be exactly the text composed from
 * them, and confirmed), then hands it to `ingest` as channel `proxy` with the proxy actor — so it
 * counts like every other channel — and stamps it. Asks the resident to confirm. Idempotent per
 * clientId. A correction supersedes the record it names (same resident), which is kept.
 */
export async function submitProxyRecord(
  ctx: Ctx,
  input: SubmitProxyRecordInput,
  env: ProxyRecordEnv,
): Promise<ProxyRecordSubmitted> {
  const { staffId } = requireProxyWriter(ctx);
  const parsed = submitProxyRecordInput.safeParse(input);
  if (!parsed.success) throw invalidProxyInput(parsed.error);
  const data = parsed.data;

  return ctx.db.transaction(async (db) => {
    const tx = withDb(ctx, db);
    const again = await findByClientId(tx, data.clientId, staffId);
    if (again) return again;

    const { visit, resident, subject, values, corrected, readBack, recordedAt } = await prepareProxyRecord(
      tx,
      staffId,
      data,
      env,
    );
    const now = tx.clock.now();
    if (!data.readBackConfirmed) throw fieldProblem('readBackConfirmed', 'proxy:errors.readBackRequired');
    if (!sameReadBack(readBack, data.readBackText)) {
      throw fieldProblem('readBackConfirmed', 'proxy:errors.readBackMismatch');
    }

    const actor: Actor = {
      type: 'proxy',
      staffId,
      residentId: resident.id,
      consent: visit.consentKind,
      visitId: visit.id,
    };
    const intake: IntakeInput = {
      channel: 'proxy',
      externalId: data.clientId,
      actor,
      declaredKind: INTAKE_KIND[data.kind].declared,
      language: visit.locale,
      receivedAt: recordedAt,
      ...(subject.kind === 'opinion' || subject.kind === 'vote' ? { topicRef: subject.topic.code } : {}),
      ...(subject.kind === 'opinion' && values.choice
        ? { stance: values.choice as 'support' | 'oppose' | 'suggestion' }
        : {}),
      ...(subject.kind === 'vote' && values.choice ? { choice: values.choice } : {}),
      ...(subject.kind === 'survey_answer'
        ? {
            surveyRef: subject.survey.code,
            questionRef: subject.question.id,
            ...(values.choice ? { choice: values.choice } : {}),
          }
        : {}),
      ...(values.text ? { text: values.text } : {}),
      ...(values.place ? { location: values.place } : {}),
    };
    const ingested = await ingest({ ...tx, actor }, intake, { helpPhone: env.helpPhone });
    if (ingested.duplicate) {
      const first = await findByClientId(tx, data.clientId, staffId);
      if (first) return first;
      throw new ServiceError('conflict', 'proxy:errors.invalidRecordId');
    }
    if (ingested.outcome.kind !== INTAKE_KIND[data.kind].stored) {
      throw new Error(`proxy ${data.kind} was filed by the pipeline as ${ingested.outcome.kind}`);
    }

    const [record] = await tx.db
      .insert(proxyRecords)
      .values({
        clientId: data.clientId,
        intakeId: ingested.intakeId,
        visitId: visit.id,
        residentId: resident.id,
        proxyStaffId: staffId,
        communityId: resident.communityId,
        kind: data.kind,
        topicId:
          subject.kind === 'opinion' || subject.kind === 'vote'
            ? subject.topic.id
            : subject.kind === 'survey_answer'
              ? subject.survey.topicId
              : null,
        surveyId: subject.kind === 'survey_answer' ? subject.survey.id : null,
        questionId: subject.kind === 'survey_answer' ? subject.question.id : null,
        choice: values.choice ?? null,
        text: values.text ? redactPhoneNumbers(values.text) : null,
        place: values.place ? redactPhoneNumbers(values.place) : null,
        reason: visit.reason,
        interpreterName: visit.interpreterName,
        consentKind: visit.consentKind,
        readBackText: redactPhoneNumbers(readBack),
        readBackLocale: visit.locale,
        readBackAt:
          data.readBackAt &&
          Math.abs(data.readBackAt.getTime() - recordedAt.getTime()) <= DEVICE_CLOCK_SKEW_MS
            ? data.readBackAt
            : recordedAt,
        recordedAt,
        receivedAt: now,
        location: data.location || visit.location,
        version: corrected ? corrected.version + 1 : 1,
        supersedesId: corrected?.id ?? null,
        correctionNote: corrected ? (data.correctionNote ?? null) : null,
        createdAt: now,
      })
      .returning();
    if (!record) throw new Error('proxy record not inserted');

    if (corrected) {
      await tx.db
        .update(proxyConfirmations)
        .set({ status: 'superseded', updatedAt: now })
        .where(eq(proxyConfirmations.recordId, corrected.id));
      await appendAudit(tx, {
        action: 'proxy.record_corrected',
        subjectType: 'proxy_record',
        subjectId: corrected.id,
        data: { correctedBy: record.id, version: record.version, note: record.correctionNote },
      });
    }

    const [me] = await tx.db
      .select({ displayName: staff.displayName })
      .from(staff)
      .where(eq(staff.id, staffId));
    const confirmation = await requestProxyConfirmation(
      tx,
      {
        recordId: record.id,
        proxyStaffId: staffId,
        proxyName: me?.displayName ?? '',
        resident,
        visitLocale: visit.locale,
        cannotRead: visit.reason === 'cannot_read_write',
        recordedAt,
        summary: (locale) => {
          const tl = env.i18n.forLocale(locale);
          return confirmationSummary(tl, summarySubject(subject, values, tl, locale));
        },
        topicId: record.topicId,
      },
      env,
    );

    await appendAudit(tx, {
      action: 'proxy.record_submitted',
      subjectType: 'proxy_record',
      subjectId: record.id,
      data: {
        intakeId: record.intakeId,
        clientId: record.clientId,
        kind: record.kind,
        residentId: record.residentId,
        visitId: record.visitId,
        reason: record.reason,
        interpreterName: record.interpreterName,
        consentKind: record.consentKind,
        readBackText: record.readBackText,
        readBackLocale: record.readBackLocale,
        readBackAt: record.readBackAt.toISOString(),
        recordedAt: record.recordedAt.toISOString(),
        location: record.location,
        version: record.version,
        supersedesId: record.supersedesId,
      },
    });
    tx.log.info(
      { recordId: record.id, kind: record.kind, confirmation: confirmation.channel },
      'proxy record submitted',
    );
    return { record, duplicate: false, outcome: ingested.outcome, confirmation };
  });
}

/** A record already submitted under this clientId by this proxy (someone else's id names nothing). */
async function findByClientId(
  ctx: Ctx,
  clientId: string,
  staffId: string,
): Promise<ProxyRecordSubmitted | undefined> {
  const [row] = await ctx.db
    .select({ record: proxyRecords, confirmation: proxyConfirmations })
    .from(proxyRecords)
    .leftJoin(proxyConfirmations, eq(proxyConfirmations.recordId, proxyRecords.id))
    .where(eq(proxyRecords.clientId, clientId));
  if (!row) return undefined;
  if (row.record.proxyStaffId !== staffId) throw new ServiceError('conflict', 'proxy:errors.invalidRecordId');
  return {
    record: row.record,
    duplicate: true,
    outcome: await ingestOutcome(ctx, row.record.intakeId),
    confirmation: row.confirmation
      ? {
          status: row.confirmation.status,
          channel: row.confirmation.channel,
          deliveryId: row.confirmation.deliveryId,
          deliveryStatus: null,
        }
      : undefined,
  };
}
