/**
 * The common path of inbound SMS, a batch at a time in at most two round trips: one query reads the
 * context of every message whose sender this process has not seen recently (`SmsContextCache`), each
 * reply is understood and planned in memory, one statement writes them all (`recordSmsReplies`),
 * checking that what each was understood against still holds. A message gets undefined whenever it
 * needs the transactional path instead: opt-out and opt-in (audited, confirmed once), prompt kinds and
 * effects this path does not know, and any precondition that failed after its context was read (a
 * concurrent answer, a concurrent first contact, an opt-out or a change made elsewhere, a repeat).
 */
import { hash as digest, randomBytes, randomUUID } from 'node:crypto';
import type { Ctx } from '../core/context.ts';
import type { Locale, PromptKind, TopicStatus } from '../db/schema.ts';
import type { I18n } from '../i18n/i18n.ts';
import { type ClassifiableTopic, findTopicRefInIntake } from '../pipeline/classify-intake.ts';
import { intakeSchema } from '../pipeline/intake.ts';
import type { Outcome } from '../pipeline/outcome.ts';
import {
  type IntakeResident,
  intakeEffect,
  intakeRow,
  planIntake,
  type ResolvedSurveyRef,
} from '../pipeline/plan-intake.ts';
import { normalisePhone } from '../residents/normalise-phone.ts';
import { parseTopicRef } from '../topics/find-topic-by-code.ts';
import type { PendingPrompt } from './get-pending-prompt.ts';
import { guessLocale } from './guess-locale.ts';
import type { Interpretation } from './interpretation.ts';
import { readSmsReplyContexts, type SmsReplyContext } from './read-sms-reply-contexts.ts';
import { type PromptChange, recordSmsReplies, type SmsReplyRecord } from './record-sms-replies.ts';
import { type ConversationEffect, type Meaning, resolveReply } from './resolve-reply.ts';
import { type SmsContextCache, smsContextCache } from './sms-context-cache.ts';

// "HELP", "STOP", "START" are typed by Chinese-speaking residents too: no evidence of language.
const KEYWORDS: ReadonlySet<Interpretation['type']> = new Set(['opt_out', 'opt_in', 'help']);

/** The prompts whose replies this path stores; others (a proxy confirmation, say) go transactional. */
const PROMPTS_ANSWERED_AT_ONCE: ReadonlySet<PromptKind> = new Set(['survey_question', 'topic_notice']);

/**
 * The blind index of a sender's number, remembered per salted hash of the number as received: parsing
 * a number with libphonenumber costs more than the rest of reading a message, and the same residents
 * write again and again. No number is kept in the clear; a full cache is simply emptied. The salt is
 * this process's own (the cache lives no longer than the process), and a plain one-shot hash costs a
 * fraction of a keyed one.
 */
const phoneHashes = new Map<string, string | null>();
const PHONE_HASHES_KEPT = 20_000;
const CACHE_SALT = randomBytes(16).toString('base64');

export function senderHash(ctx: Ctx, from: string): string | undefined {
  const key = digest('sha256', `${CACHE_SALT}${from}`, 'base64');
  let hash = phoneHashes.get(key);
  if (hash === undefined) {
    const e164 = normalisePhone(from);
    hash = e164 ? ctx.pii.phoneHash(e164) : null;
    if (phoneHashes.size >= PHONE_HASHES_KEPT) phoneHashes.clear();
    phoneHashes.set(key, hash);
  }
  return hash ?? undefined;
}

/** The reply language: the resident's stored preference, else the message's, else the default. */
export function replyLocale(
  preferred: Locale | null | undefined,
  interpretation: Interpretation,
  body: string,
  defaultLocale: Locale | undefined,
): Locale {
  return (
    preferred ??
    (KEYWORDS.has(interpretation.type) ? undefined : guessLocale(body)) ??
    defaultLocale ??
    'zh-CN'
  );
}

export interface AnswerSmsInput {
  messageSid: string;
  from: string;
  /** The body as stored (already cut to the longest text an intake holds). */
  body: string;
  interpretation: Interpretation;
  receivedAt: Date;
  helpPhone: string;
  defaultLocale: Locale | undefined;
  i18n: I18n;
}

export interface AnsweredSms {
  intakeId: string;
  outcome: Outcome;
  duplicate: boolean;
  /** How the reply was understood (first delivery only). */
  meaning?: Meaning;
}

function promptChangeOf(effect: ConversationEffect): PromptChange | undefined {
  switch (effect.type) {
    case 'none':
      return { type: 'keep' };
    case 'clear':
    case 'mark_clarified':
      return { type: effect.type };
    case 'advance':
      return { type: 'advance', toQuestionId: effect.toQuestionId };
    default:
      return undefined;
  }
}

/**
 * The topic the intake refers to, from what was read; `known: false` when the reference names a topic
 * the read did not look up (then the transactional path looks it up). `absentNumber` is a number the
 * read found no topic for.
 */
function topicOf(
  ref: string | undefined,
  read: SmsReplyContext,
  queried: number | undefined,
  prompt: PendingPrompt | undefined,
): { known: boolean; topic: ClassifiableTopic | undefined; absentNumber?: number } {
  if (ref === undefined) return { known: true, topic: undefined };
  const n = parseTopicRef(ref);
  if (n === undefined) return { known: true, topic: undefined };
  if (n === queried) {
    return read.namedTopic
      ? { known: true, topic: read.namedTopic }
      : { known: true, topic: undefined, absentNumber: n };
  }
  if (prompt?.topic && parseTopicRef(prompt.topic.code) === n) return { known: true, topic: prompt.topic };
  return { known: false, topic: undefined };
}

/** The topics a reply was understood against (the one it names, the one its prompt is about), once each. */
function topicsRead(...found: (ClassifiableTopic | undefined)[]): { id: string; status: TopicStatus }[] {
  const topics: { id: string; status: TopicStatus }[] = [];
  for (const topic of found) {
    if (topic && !topics.some((t) => t.id === topic.id)) topics.push({ id: topic.id, status: topic.status });
  }
  return topics;
}

/** The survey and question an answer names, when they are the prompt's (as `ingest` would resolve them). */
function surveyOf(
  surveyRef: string,
  questionRef: string | null,
  prompt: PendingPrompt | undefined,
  surveyTopicId: string | null,
): ResolvedSurveyRef | undefined {
  if (!prompt?.survey || !prompt.question) return undefined;
  if (surveyRef.normalize('NFKC').toUpperCase() !== prompt.survey.code) return undefined;
  if (questionRef !== prompt.question.id) return undefined;
  return {
    survey: { id: prompt.survey.id, code: prompt.survey.code, topicId: surveyTopicId },
    questionId: prompt.question.id,
  };
}

/** The intake an understood SMS makes, as both paths store it (this one and the transactional one). */
export function smsIntakeInput(
  input: AnswerSmsInput,
  resolution: Pick<ReturnType<typeof resolveReply>, 'intake'>,
  locale: Locale,
  residentId: string | undefined,
) {
  const actor = { type: 'resident', via: 'sms', ...(residentId ? { residentId } : {}) } as const;
  return {
    channel: 'sms',
    externalId: input.messageSid,
    actor,
    ...resolution.intake,
    language: locale,
    receivedAt: input.receivedAt,
  } as const;
}

/** A message read and understood, waiting for the batch write. */
interface Planned {
  record: SmsReplyRecord;
  answered: AnsweredSms;
}

/**
 * Understands one message against what was read: a duplicate's stored answer, the record to write,
 * or undefined for the transactional path.
 */
function planReply(
  ctx: Ctx,
  input: AnswerSmsInput,
  phoneHash: string | undefined,
  topicNumber: number | undefined,
  read: SmsReplyContext,
): AnsweredSms | Planned | undefined {
  const { interpretation, body, helpPhone } = input;
  if (read.handled) return { ...read.handled, duplicate: true };

  const stored = read.prompt?.prompt.channel === 'sms' ? read.prompt : undefined;
  if (stored && !PROMPTS_ANSWERED_AT_ONCE.has(stored.prompt.kind)) return undefined;
  const prompt = stored?.prompt;

  const now = ctx.clock.now();
  // Only a first contact needs the number itself, to store it encrypted.
  const e164 = !read.resident && phoneHash ? normalisePhone(input.from) : undefined;
  const newResident =
    e164 && phoneHash
      ? {
          id: randomUUID(),
          phoneHash,
          phoneCipher: ctx.pii.encryptPhone(e164),
          createdAt: now,
          updatedAt: now,
        }
      : undefined;
  const resident: IntakeResident | undefined =
    read.resident ??
    (newResident
      ? { id: newResident.id, preferredLocale: null, communityId: null, gridId: null }
      : undefined);
  const locale = replyLocale(resident?.preferredLocale, interpretation, body, input.defaultLocale);
  const resolution = resolveReply({
    interpretation,
    text: body,
    prompt,
    hasResident: resident !== undefined,
    optedOut: read.optedOut,
    helpPhone,
    t: input.i18n.forLocale(locale),
    locale,
  });
  const change = promptChangeOf(resolution.effect);
  if (!change) return undefined;

  const parsed = intakeSchema.safeParse(smsIntakeInput(input, resolution, locale, resident?.id));
  // The transactional path refuses it with the validation error.
  if (!parsed.success) return undefined;
  const intake = parsed.data;
  const { known, topic, absentNumber } = topicOf(findTopicRefInIntake(intake), read, topicNumber, prompt);
  if (!known) return undefined;

  const { reply } = resolution;
  const plan = planIntake(intake, {
    resident,
    topic,
    helpPhone,
    composeOutcome: reply ? (outcome) => ({ ...outcome, ...reply }) : undefined,
  });
  const c = plan.classification;
  let survey: ResolvedSurveyRef | undefined;
  if (c.kind === 'survey_answer') {
    survey = surveyOf(c.surveyRef, c.questionRef, prompt, stored?.surveyTopicId ?? null);
    if (!survey) return undefined;
  }
  const intakeId = randomUUID();
  const effect = intakeEffect(intake, plan, { intakeId, resident, now, survey });
  if (effect.type === 'channel_opt_out') return undefined;

  return {
    record: {
      newResident,
      sender:
        read.resident && read.residentVersion !== undefined
          ? {
              residentId: read.resident.id,
              version: read.residentVersion,
              optedOut: read.optedOut,
              // A prompt of another channel is not answered, but it must not change under the reply.
              prompt: read.prompt
                ? { version: read.prompt.version, change: stored ? change : undefined }
                : undefined,
            }
          : undefined,
      topics: topicsRead(topic, read.prompt?.prompt.topic),
      absentTopicNumber: absentNumber,
      intake: {
        ...intakeRow(intake, plan, {
          id: intakeId,
          residentId: resident?.id ?? null,
          topicId: topic?.id ?? null,
          now,
        }),
        id: intakeId,
      },
      effect,
      at: now,
    },
    answered: { intakeId, outcome: plan.outcome, duplicate: false, meaning: resolution.meaning },
  };
}

/**
 * Answers a batch of inbound SMS from different senders: one read for the senders this process has
 * not seen recently, none when it has seen them all, and one write. Each message gets its answer, or
 * undefined when it needs the transactional path (see the module comment). A message whose
 * understanding fails is left to the transactional path too, which reports the failure as its own.
 */
export async function answerSmsBatch(
  ctx: Ctx,
  inputs: readonly AnswerSmsInput[],
): Promise<(AnsweredSms | undefined)[]> {
  const cache = smsContextCache(ctx.db);
  const answers = await answerAtOnce(ctx, inputs, cache);
  // What the transactional path does (an opt-out, a second message moving a survey on, a repeat) may
  // change what was kept of the sender: their next message reads afresh.
  for (const [at, answer] of answers.entries()) {
    if (answer === undefined) cache.forget(senderHash(ctx, (inputs[at] as AnswerSmsInput).from));
  }
  return answers;
}

async function answerAtOnce(
  ctx: Ctx,
  inputs: readonly AnswerSmsInput[],
  cache: SmsContextCache,
): Promise<(AnsweredSms | undefined)[]> {
  const answers: (AnsweredSms | undefined)[] = new Array(inputs.length).fill(undefined);
  const now = ctx.clock.now();
  const reading: {
    at: number;
    phoneHash: string | undefined;
    topicNumber: number | undefined;
    context: SmsReplyContext | undefined;
  }[] = [];
  const senders = new Set<string>();
  for (const [at, input] of inputs.entries()) {
    const type = input.interpretation.type;
    if (type === 'opt_out' || type === 'opt_in') continue;
    const phoneHash = senderHash(ctx, input.from);
    // One message per resident in a statement (see recordSmsReplies); a second one waits its turn.
    if (phoneHash !== undefined) {
      if (senders.has(phoneHash)) continue;
      senders.add(phoneHash);
    }
    const textRef = findTopicRefInIntake({ text: input.body });
    const topicNumber = textRef ? parseTopicRef(textRef) : undefined;
    const context = phoneHash === undefined ? undefined : cache.contextOf(phoneHash, topicNumber, now);
    reading.push({ at, phoneHash, topicNumber, context });
  }
  if (reading.length === 0) return answers;

  const unknown = reading.filter((r) => r.context === undefined);
  if (unknown.length > 0) {
    const read = await readSmsReplyContexts(
      ctx,
      unknown.map((r) => ({
        phoneHash: r.phoneHash,
        messageSid: (inputs[r.at] as AnswerSmsInput).messageSid,
        topicNumber: r.topicNumber,
      })),
    );
    for (const [n, r] of unknown.entries()) {
      r.context = read[n] as SmsReplyContext;
      cache.rememberRead(r.phoneHash, r.topicNumber, r.context, now);
    }
  }

  const planned: { at: number; phoneHash: string | undefined; planned: Planned }[] = [];
  for (const r of reading) {
    const input = inputs[r.at] as AnswerSmsInput;
    let outcome: AnsweredSms | Planned | undefined;
    try {
      outcome = planReply(ctx, input, r.phoneHash, r.topicNumber, r.context as SmsReplyContext);
    } catch (error) {
      ctx.log.warn({ err: error }, 'sms reply could not be planned at once; taking the transactional path');
      outcome = undefined;
    }
    if (outcome && 'record' in outcome) planned.push({ at: r.at, phoneHash: r.phoneHash, planned: outcome });
    else answers[r.at] = outcome;
  }
  if (planned.length === 0) return answers;

  // Prompts are locked in resident order by the statement; the rows' order does not matter to it.
  const { written, version } = await recordSmsReplies(
    ctx,
    planned.map((p) => p.planned.record),
  ).catch((error: unknown) => {
    // Nothing of the batch was written (one statement); each message is tried again on its own.
    ctx.log.warn({ err: error, messages: planned.length }, 'sms batch write failed');
    return { written: planned.map(() => false), version: undefined };
  });
  for (const [n, p] of planned.entries()) {
    if (written[n] && version !== undefined) {
      answers[p.at] = p.planned.answered;
      cache.rememberWritten(p.phoneHash, p.planned.record, version, now);
    }
    // Otherwise something it was understood against changed, or it was a repeat: the transactional
    // path reads afresh.
  }
  return answers;
}
