import { eq } from 'drizzle-orm';
import type { Settled } from '../core/coalesce-calls.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { type IntakeKind, type Locale, pendingPrompts, residents } from '../db/schema.ts';
import { getI18n, type I18n } from '../i18n/i18n.ts';
import { ingest, type Outcome } from '../pipeline/ingest.ts';
import { replyToProxyConfirmation } from '../proxy/reply-to-proxy-confirmation.ts';
import { findOrCreateResidentByPhone } from '../residents/find-or-create-resident-by-phone.ts';
import { isOptedOut } from '../residents/is-opted-out.ts';
import { advancePendingPrompt } from './advance-pending-prompt.ts';
import {
  type AnsweredSms,
  type AnswerSmsInput,
  answerSmsBatch,
  replyLocale,
  smsIntakeInput,
} from './answer-sms-batch.ts';
import { clearPendingPrompt } from './clear-pending-prompt.ts';
import { getPendingPrompt, type PendingPrompt } from './get-pending-prompt.ts';
import { interpretReply } from './interpret-reply.ts';
import { markPromptClarified } from './mark-prompt-clarified.ts';
import type { PromptIdentity } from './prompt-identity.ts';
import { type ConversationEffect, resolveReply, SILENT_REPLY_KEYS } from './resolve-reply.ts';

/** Longest text an intake holds; an SMS is at most 1,600 characters, so this only guards odd input. */
const MAX_BODY = 5_000;

export interface HandleSmsReplyInput {
  /** The provider's message id: a repeated delivery of it is one intake with one answer. */
  messageSid: string;
  /** The sender's number as received; it is only hashed and encrypted, never stored as such. */
  from: string;
  body: string;
  receivedAt: Date;
  /** The help line quoted in replies. */
  helpPhone: string;
  /** Reply language when the resident has none stored and the message gives no clue. */
  defaultLocale?: Locale;
  i18n?: I18n;
}

export interface SmsReplyResult {
  /** The text to send back; undefined when no reply is due. */
  reply?: string;
  locale: Locale;
  /** True when this message id was handled before: the reply is the first one. */
  duplicate: boolean;
  intakeId: string;
  kind: IntakeKind;
}

/** The reply an outcome stands for, or undefined when it is kept silent. */
export function renderSmsReply(i18n: I18n, outcome: Outcome): string | undefined {
  if (SILENT_REPLY_KEYS.has(outcome.messageKey)) return undefined;
  // Replies repeat (the same acknowledgement, the same help line): interpolating each again costs
  // more than the rest of composing it. Translations do not change while the process runs.
  let rendered = renderedReplies.get(i18n);
  if (!rendered) {
    rendered = new Map();
    renderedReplies.set(i18n, rendered);
  }
  const key = `${outcome.locale}\u0000${outcome.messageKey}\u0000${JSON.stringify(outcome.params)}`;
  let text = rendered.get(key);
  if (text === undefined) {
    text = i18n.forLocale(outcome.locale)(outcome.messageKey, outcome.params);
    if (rendered.size >= RENDERED_REPLIES_KEPT) rendered.clear();
    rendered.set(key, text);
  }
  return text;
}

const renderedReplies = new WeakMap<I18n, Map<string, string>>();
const RENDERED_REPLIES_KEPT = 2_000;

function identityOf(prompt: PendingPrompt): PromptIdentity {
  return {
    kind: prompt.kind,
    topicId: prompt.kind === 'topic_notice' ? (prompt.topic?.id ?? null) : null,
    surveyId: prompt.survey?.id ?? null,
    questionId: prompt.question?.id ?? null,
    proxyRecordId: prompt.proxyRecordId ?? null,
  };
}

async function applyEffect(
  ctx: Ctx,
  residentId: string,
  prompt: PendingPrompt | undefined,
  effect: ConversationEffect,
): Promise<void> {
  if (!prompt) return;
  const expected = identityOf(prompt);
  switch (effect.type) {
    case 'none':
      return;
    case 'clear':
      await clearPendingPrompt(ctx, { residentId, expected });
      return;
    case 'mark_clarified':
      await markPromptClarified(ctx, { residentId, expected });
      return;
    case 'advance':
      if (!prompt.survey || !prompt.question) return;
      await advancePendingPrompt(ctx, {
        residentId,
        surveyId: prompt.survey.id,
        fromQuestionId: prompt.question.id,
        toQuestionId: effect.toQuestionId,
      });
      return;
  }
}

function readingOf(input: HandleSmsReplyInput): AnswerSmsInput {
  const body = input.body.length > MAX_BODY ? input.body.slice(0, MAX_BODY) : input.body;
  return {
    messageSid: input.messageSid,
    from: input.from,
    body,
    interpretation: interpretReply(body),
    receivedAt: input.receivedAt,
    helpPhone: input.helpPhone,
    defaultLocale: input.defaultLocale,
    i18n: input.i18n ?? getI18n(),
  };
}

function resultOf(ctx: Ctx, reading: AnswerSmsInput, answered: AnsweredSms): SmsReplyResult {
  if (!answered.duplicate) {
    ctx.log.debug(
      { intakeId: answered.intakeId, meaning: answered.meaning, kind: answered.outcome.kind },
      'sms reply handled',
    );
  }
  const text = renderSmsReply(reading.i18n, answered.outcome);
  return {
    ...(text === undefined ? {} : { reply: text }),
    locale: answered.outcome.locale,
    duplicate: answered.duplicate,
    intakeId: answered.intakeId,
    kind: answered.outcome.kind,
  };
}

/**
 * Handles inbound SMS: finds each sender, reads the message in the light of what they were last asked,
 * stores it (whatever it meant; once per message id), moves the conversation on and composes the
 * reply in the resident's language: stored preference, else the message's, else the default.
 *
 * A batch of messages from different senders takes at most two round trips in all (`answerSmsBatch`:
 * one read, skipped for senders this process saw recently, and one atomic write that checks what was
 * read still holds); opt-outs, opt-ins, proxy confirmations, a second message from the same
 * sender and messages that met a concurrent change take the transactional path, one each. Each
 * message settles on its own: one that fails does not fail the others.
 */
export async function handleSmsReplies(
  ctx: Ctx,
  inputs: readonly HandleSmsReplyInput[],
): Promise<Settled<SmsReplyResult>[]> {
  const readings = inputs.map(readingOf);
  const atOnce = await answerSmsBatch(ctx, readings);
  return Promise.all(
    readings.map(async (reading, i): Promise<Settled<SmsReplyResult>> => {
      try {
        const answered = atOnce[i] ?? (await answerInTransaction(ctx, reading));
        return { ok: true, value: resultOf(ctx, reading, answered) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  );
}

/** One inbound SMS (see `handleSmsReplies`). */
export async function handleSmsReply(ctx: Ctx, input: HandleSmsReplyInput): Promise<SmsReplyResult> {
  const [settled] = await handleSmsReplies(ctx, [input]);
  if (!settled) throw new Error('no result for the message');
  if (!settled.ok) throw settled.error;
  return settled.value;
}

/** The same, one statement at a time inside a transaction that holds the resident and their prompt. */
async function answerInTransaction(ctx: Ctx, input: AnswerSmsInput): Promise<AnsweredSms> {
  const { body, interpretation, i18n } = input;
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx);
    const found = await findOrCreateResidentByPhone(txCtx, { phone: input.from });
    const resident = found?.resident;
    if (resident) {
      // One message of a resident at a time: a survey advances one question per answer even when
      // two answers arrive together, and an opt-out is confirmed once. NO KEY UPDATE, so that the
      // one-statement path's intake insert (a key-share lock on the resident) never waits for it
      // while holding the prompt this transaction wants next.
      await tx
        .select({ id: residents.id })
        .from(residents)
        .where(eq(residents.id, resident.id))
        .for('no key update');
      // The one-statement path locks only the prompt row: holding it too keeps the two paths from
      // both answering the same prompt.
      await tx
        .select({ residentId: pendingPrompts.residentId })
        .from(pendingPrompts)
        .where(eq(pendingPrompts.residentId, resident.id))
        .for('update');
    }
    const locale = replyLocale(resident?.preferredLocale, interpretation, body, input.defaultLocale);
    const stored = resident ? await getPendingPrompt(txCtx, { residentId: resident.id }) : undefined;
    const prompt = stored?.channel === 'sms' ? stored : undefined;
    const optedOut = resident ? await isOptedOut(txCtx, { residentId: resident.id, channel: 'sms' }) : false;

    // "属实回1，有误回2" about a proxied record: the proxy area answers it (src/proxy).
    if (resident && prompt?.kind === 'proxy_confirmation') {
      const confirmed = await replyToProxyConfirmation(txCtx, {
        residentId: resident.id,
        prompt,
        interpretation,
        body,
        messageSid: input.messageSid,
        receivedAt: input.receivedAt,
        locale,
        helpPhone: input.helpPhone,
        i18n,
      });
      if (confirmed) return confirmed;
    }

    const resolution = resolveReply({
      interpretation,
      text: body,
      prompt,
      hasResident: resident !== undefined,
      optedOut,
      helpPhone: input.helpPhone,
      t: i18n.forLocale(locale),
      locale,
    });
    const intake = smsIntakeInput(input, resolution, locale, resident?.id);
    const { reply } = resolution;
    const result = await ingest({ ...txCtx, actor: intake.actor }, intake, {
      helpPhone: input.helpPhone,
      ...(reply ? { composeOutcome: (outcome) => ({ ...outcome, ...reply }) } : {}),
    });
    if (!result.duplicate && resident) await applyEffect(txCtx, resident.id, prompt, resolution.effect);
    return { ...result, meaning: resolution.meaning };
  });
}
