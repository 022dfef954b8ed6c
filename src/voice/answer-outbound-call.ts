import { and, asc, eq, notExists } from 'drizzle-orm';
import { z } from 'zod';
import { getPendingPrompt } from '../conversations/get-pending-prompt.ts';
import { setPendingPrompt } from '../conversations/set-pending-prompt.ts';
import { type Ctx, withDb } from '../core/context.ts';
import {
  campaigns,
  deliveries,
  type Locale,
  type LocalizedText,
  residents,
  surveyAnswers,
  surveyQuestions,
  topics,
} from '../db/schema.ts';
import { loadCampaignMessageFacts } from '../outreach/campaign-message.ts';
import { PROMPT_TTL_MS } from '../outreach/send-delivery.ts';
import { OPEN_FOR_OPINIONS } from '../pipeline/ingest.ts';
import { recordIdOfPurpose } from '../proxy/request-proxy-confirmation.ts';
import { answeredByMachine } from './record-outbound-call-status.ts';
import { CALL_SID, startVoiceCall } from './start-voice-call.ts';

export const answerOutboundCallInput = z.object({
  deliveryId: z.uuid(),
  callSid: z.string().regex(CALL_SID),
  /** Twilio's answering-machine detection result: human, machine_…, fax, unknown. */
  answeredBy: z.string().trim().max(40).optional(),
});
export type AnswerOutboundCallInput = z.input<typeof answerOutboundCallInput>;

interface Spoken {
  locale: Locale;
  slow: boolean;
  /** What the call says first: the delivery's text. */
  body: string;
}

/** What to do with an answered outbound call. */
export type OutboundCallPlan =
  /** No voice delivery by that id (purged, or not this installation's). */
  | { kind: 'unknown' }
  /** An answering machine: a short message with the number to call back, then goodbye. */
  | { kind: 'voicemail'; locale: Locale; slow: boolean; community: LocalizedText | undefined }
  /** The resident's pending question of the survey is set; the survey flow asks it. */
  | ({ kind: 'survey'; surveyId: string } & Spoken)
  /** A survey already answered in full (by text, or on an earlier call): only thanks remain. */
  | ({ kind: 'survey_done'; community: LocalizedText | undefined } & Spoken)
  /**
   * A notice; about a topic, it asks for support or opposition when the notice is one that asks (a
   * publication, not a meeting or result notice) and the topic still takes opinions.
   */
  | ({ kind: 'notice'; topic: { id: string; code: string; asksStance: boolean } | undefined } & Spoken)
  /** A proxy writer's record read back for the resident to confirm or dispute. */
  | ({ kind: 'proxy_confirmation'; proxyRecordId: string } & Spoken);

/** The first question of the survey this resident has not answered yet (in any channel). */
async function firstUnanswered(ctx: Ctx, surveyId: string, residentId: string) {
  const [question] = await ctx.db
    .select({ id: surveyQuestions.id })
    .from(surveyQuestions)
    .where(
      and(
        eq(surveyQuestions.surveyId, surveyId),
        notExists(
          ctx.db
            .select({ id: surveyAnswers.id })
            .from(surveyAnswers)
            .where(
              and(eq(surveyAnswers.questionId, surveyQuestions.id), eq(surveyAnswers.residentId, residentId)),
            ),
        ),
      ),
    )
    .orderBy(asc(surveyQuestions.position))
    .limit(1);
  return question;
}

/**
 * An outbound call was answered: opens the call's record (idempotent per CallSid: Twilio may ask twice)
 * and decides what it is for. A machine gets the voicemail message. A survey call makes the survey's
 * next unanswered question the resident's pending prompt on the voice channel — the one a call dropped
 * before left pending, or the first — so that answers by key or speech go where SMS answers go.
 */
export async function answerOutboundCall(
  ctx: Ctx,
  input: AnswerOutboundCallInput,
): Promise<OutboundCallPlan> {
  const { deliveryId, callSid, answeredBy } = answerOutboundCallInput.parse(input);
  const run = async (tx: Ctx): Promise<OutboundCallPlan> => {
    const [row] = await tx.db
      .select({
        delivery: deliveries,
        slowSpeech: residents.slowSpeech,
        campaign: campaigns,
      })
      .from(deliveries)
      .innerJoin(residents, eq(residents.id, deliveries.residentId))
      .leftJoin(campaigns, eq(campaigns.id, deliveries.campaignId))
      .where(eq(deliveries.id, deliveryId))
      .limit(1);
    if (row?.delivery.channel !== 'voice') return { kind: 'unknown' };
    const { delivery, campaign } = row;
    const residentId = delivery.residentId;
    const spoken: Spoken = { locale: delivery.locale, slow: row.slowSpeech, body: delivery.body };
    await startVoiceCall(tx, {
      callSid,
      direction: 'outbound',
      residentId,
      deliveryId,
      locale: delivery.locale,
      slowSpeech: row.slowSpeech,
    });

    // Messages of their own name the hall calling, as the campaign's texts do.
    const community = async () =>
      campaign ? (await loadCampaignMessageFacts(tx.db, campaign)).community : undefined;
    if (answeredByMachine(answeredBy)) {
      return { kind: 'voicemail', locale: spoken.locale, slow: spoken.slow, community: await community() };
    }

    const proxyRecordId = recordIdOfPurpose(delivery.purpose);
    if (proxyRecordId) return { kind: 'proxy_confirmation', proxyRecordId, ...spoken };

    if (campaign?.kind === 'survey' && campaign.surveyId) {
      const surveyId = campaign.surveyId;
      const pending = await getPendingPrompt(tx, { residentId });
      const questionId =
        pending?.kind === 'survey_question' && pending.survey?.id === surveyId && pending.question
          ? pending.question.id
          : (await firstUnanswered(tx, surveyId, residentId))?.id;
      if (!questionId) return { kind: 'survey_done', community: await community(), ...spoken };
      // On the phone now: a bare key or word answers here, not a text they may send later.
      await setPendingPrompt(tx, {
        residentId,
        channel: 'voice',
        kind: 'survey_question',
        surveyId,
        questionId,
        campaignId: campaign.id,
        deliveryId,
        ...(campaign.topicId ? { topicId: campaign.topicId } : {}),
        expiresAt: new Date(tx.clock.now().getTime() + PROMPT_TTL_MS),
      });
      return { kind: 'survey', surveyId, ...spoken };
    }

    let topic: { id: string; code: string; asksStance: boolean } | undefined;
    if (campaign?.topicId) {
      const [found] = await tx.db
        .select({ id: topics.id, code: topics.code, status: topics.status })
        .from(topics)
        .where(eq(topics.id, campaign.topicId))
        .limit(1);
      if (found) {
        const asksStance = campaign.asksStance && OPEN_FOR_OPINIONS.includes(found.status);
        topic = { id: found.id, code: found.code, asksStance };
      }
    }
    return { kind: 'notice', topic, ...spoken };
  };
  const plan = 'rollback' in ctx.db ? await run(ctx) : await ctx.db.transaction((tx) => run(withDb(ctx, tx)));
  ctx.log.debug({ deliveryId, kind: plan.kind }, 'outbound call answered');
  return plan;
}
