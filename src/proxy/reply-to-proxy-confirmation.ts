import type { Interpretation } from '../conversations/interpretation.ts';
import { markPromptClarified } from '../conversations/mark-prompt-clarified.ts';
import type { Actor } from '../core/actor.ts';
import type { Ctx } from '../core/context.ts';
import type { Locale } from '../db/schema.ts';
import type { I18n } from '../i18n/i18n.ts';
import { type IngestResult, ingest } from '../pipeline/ingest.ts';
import { answerProxyConfirmation, nextRecordAwaitingReply } from './answer-proxy-confirmation.ts';
import { readConfirmationAnswer } from './read-confirmation-answer.ts';
import { summarizeProxyRecord } from './summarize-proxy-record.ts';

export interface ProxyConfirmationReplyInput {
  residentId: string;
  /** The resident's pending prompt: a `proxy_confirmation` one. */
  prompt: { proxyRecordId?: string | null | undefined; clarified: boolean; expired: boolean };
  interpretation: Interpretation;
  body: string;
  messageSid: string;
  receivedAt: Date;
  locale: Locale;
  helpPhone: string;
  i18n: I18n;
}

/**
 * An SMS reply to "属实回1，有误回2": stores it (once per message id), records the answer on the
 * record and replies — asking about the resident's next record awaiting an answer, if any. An unclear
 * reply gets one clarifying question. Returns undefined for what the ordinary conversation handles
 * (opt-out, help, a topic code, anything after the clarification or after the prompt expired), so the
 * caller carries on as without this prompt.
 */
export async function replyToProxyConfirmation(
  ctx: Ctx,
  input: ProxyConfirmationReplyInput,
): Promise<IngestResult | undefined> {
  const recordId = input.prompt.proxyRecordId;
  if (!recordId) return undefined;
  const kind = input.interpretation.type;
  if (kind === 'opt_out' || kind === 'opt_in' || kind === 'help' || kind === 'topic') return undefined;
  const answer = readConfirmationAnswer(input.body, input.interpretation);
  if (!answer && (input.prompt.expired || input.prompt.clarified)) return undefined;

  const actor: Actor = { type: 'resident', via: 'sms', residentId: input.residentId };
  const asResident: Ctx = { ...ctx, actor };
  const t = input.i18n.forLocale(input.locale);
  let messageKey = 'proxy:sms.clarify';
  let params: Record<string, string> = {};
  if (answer) {
    const next = await nextRecordAwaitingReply(ctx, input.residentId, recordId);
    const summary = next
      ? await summarizeProxyRecord(ctx, { recordId: next.recordId, t, locale: input.locale })
      : undefined;
    messageKey = `proxy:sms.${answer}${summary ? 'Next' : ''}`;
    params = summary ? { summary } : {};
  }
  const result = await ingest(
    asResident,
    {
      channel: 'sms',
      externalId: input.messageSid,
      actor,
      declaredKind: 'unclassified',
      text: input.body,
      language: input.locale,
      receivedAt: input.receivedAt,
    },
    {
      helpPhone: input.helpPhone,
      composeOutcome: (outcome) => ({ ...outcome, messageKey, params }),
    },
  );
  if (result.duplicate) return result;
  if (answer) {
    await answerProxyConfirmation(asResident, {
      proxyRecordId: recordId,
      answer,
      via: 'sms',
      evidence: `intake:${result.intakeId}`,
    });
  } else {
    await markPromptClarified(ctx, {
      residentId: input.residentId,
      expected: { kind: 'proxy_confirmation', proxyRecordId: recordId },
    });
  }
  return result;
}
