import { eq } from 'drizzle-orm';
import { type Ctx, withDb } from '../core/context.ts';
import { type IntakeKind, type Locale, residents } from '../db/schema.ts';
import { getI18n, type I18n } from '../i18n/i18n.ts';
import { ingest, type Outcome } from '../pipeline/ingest.ts';
import { findOrCreateResidentByPhone } from '../residents/find-or-create-resident-by-phone.ts';
import { isOptedOut } from '../residents/is-opted-out.ts';
import { advancePendingPrompt } from './advance-pending-prompt.ts';
import { clearPendingPrompt } from './clear-pending-prompt.ts';
import { getPendingPrompt, type PendingPrompt } from './get-pending-prompt.ts';
import { guessLocale } from './guess-locale.ts';
import { interpretReply } from './interpret-reply.ts';
import type { Interpretation } from './interpretation.ts';
import { markPromptClarified } from './mark-prompt-clarified.ts';
import type { PromptIdentity } from './prompt-identity.ts';
import { type ConversationEffect, resolveReply, SILENT_REPLY_KEYS } from './resolve-reply.ts';

/** Longest text an intake holds; an SMS is at most 1,600 characters, so this only guards odd input. */
const MAX_BODY = 5_000;

// "HELP", "STOP", "START" are typed by Chinese-speaking residents too: no evidence of language.
const KEYWORDS: ReadonlySet<Interpretation['type']> = new Set(['opt_out', 'opt_in', 'help']);

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
  return i18n.forLocale(outcome.locale)(outcome.messageKey, outcome.params);
}

function identityOf(prompt: PendingPrompt): PromptIdentity {
  return {
    kind: prompt.kind,
    topicId: prompt.kind === 'topic_notice' ? (prompt.topic?.id ?? null) : null,
    surveyId: prompt.survey?.id ?? null,
    questionId: prompt.question?.id ?? null,
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

/**
 * Handles one inbound SMS: finds the resident, reads it in the light of what they were last asked,
 * stores it (whatever it meant; once per message id), moves the conversation on and composes the
 * reply in the resident's language: stored preference, else the message's, else the default.
 */
export async function handleSmsReply(ctx: Ctx, input: HandleSmsReplyInput): Promise<SmsReplyResult> {
  const i18n = input.i18n ?? getI18n();
  const body = input.body.length > MAX_BODY ? input.body.slice(0, MAX_BODY) : input.body;
  const interpretation = interpretReply(body);

  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx);
    const found = await findOrCreateResidentByPhone(txCtx, { phone: input.from });
    const resident = found?.resident;
    if (resident) {
      // One message of a resident at a time: a survey advances one question per answer even when
      // two answers arrive together, and an opt-out is confirmed once.
      await tx
        .select({ id: residents.id })
        .from(residents)
        .where(eq(residents.id, resident.id))
        .for('update');
    }
    const locale =
      resident?.preferredLocale ??
      (KEYWORDS.has(interpretation.type) ? undefined : guessLocale(body)) ??
      input.defaultLocale ??
      'zh-CN';
    const stored = resident ? await getPendingPrompt(txCtx, { residentId: resident.id }) : undefined;
    const prompt = stored?.channel === 'sms' ? stored : undefined;
    const optedOut = resident ? await isOptedOut(txCtx, { residentId: resident.id, channel: 'sms' }) : false;

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
    const actor = { type: 'resident', via: 'sms', ...(resident ? { residentId: resident.id } : {}) } as const;
    const { reply } = resolution;
    const result = await ingest(
      { ...txCtx, actor },
      {
        channel: 'sms',
        externalId: input.messageSid,
        actor,
        ...resolution.intake,
        language: locale,
        receivedAt: input.receivedAt,
      },
      {
        helpPhone: input.helpPhone,
        ...(reply ? { composeOutcome: (outcome) => ({ ...outcome, ...reply }) } : {}),
      },
    );
    if (!result.duplicate && resident) await applyEffect(txCtx, resident.id, prompt, resolution.effect);
    if (!result.duplicate) {
      ctx.log.debug(
        { intakeId: result.intakeId, meaning: resolution.meaning, kind: result.outcome.kind },
        'sms reply handled',
      );
    }
    const text = renderSmsReply(i18n, result.outcome);
    return {
      ...(text === undefined ? {} : { reply: text }),
      locale: result.outcome.locale,
      duplicate: result.duplicate,
      intakeId: result.intakeId,
      kind: result.outcome.kind,
    };
  });
}
