import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import {
  campaigns,
  communities,
  LOCALES,
  type Locale,
  type LocalizedText,
  surveyQuestions,
  surveys,
  topics,
} from '../db/schema.ts';
import { getI18n } from '../i18n/i18n.ts';
import { isUuid } from '../topics/topic-input.ts';
import { type CampaignMessageFacts, MAX_SEGMENTS, renderInLocale } from './campaign-message.ts';
import { createCampaign } from './create-campaign.ts';
import type { Campaign } from './find-campaign.ts';
import type { OutreachEnv } from './outreach-env.ts';
import { planCampaign } from './plan-campaign.ts';

export const startEvaluationSurveyInput = z.object({
  /** Any string: one that is not a topic id names no topic. */
  topicId: z.string(),
  /** The department whose work is evaluated; its performance score draws on the result. */
  department: z
    .string()
    .trim()
    .max(200)
    .transform((v) => (v === '' ? undefined : v))
    .optional(),
});

/** The campaign trigger that makes the evaluation survey of a topic start only once. */
export function evaluationTrigger(topicId: string): string {
  return `evaluation:${topicId}`;
}

/** Topic-title lengths tried, longest first, until the message fits in MAX_SEGMENTS; 0 = no title. */
const TITLE_LENGTHS = [Number.POSITIVE_INFINITY, 30, 20, 14, 8, 0];

export interface EvaluationSurvey {
  /** False when the topic's evaluation survey already existed (nothing new was created). */
  created: boolean;
  campaign: Campaign;
  surveyId: string;
  surveyCode: string;
  /** Deliveries written; they are `queued` until the sweep (or the caller, after commit) enqueues them. */
  planned: number;
}

function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** Staff-written text becomes template text: braces that would read as placeholders are neutralised. */
function literal(text: string): string {
  return text.replaceAll('{{', '｛｛').replaceAll('}}', '｝｝');
}

/**
 * When a topic enters evaluation, a satisfaction survey goes to everyone who took part in it (opinions,
 * votes, demands linked to it, earlier survey answers): a one-question survey for the topic and a
 * survey campaign planned at once. Runs inside the caller's transaction and only once per topic
 * (`campaigns.trigger`); the deliveries are enqueued after commit by the caller or the outbox sweep.
 * Writes no audit entry of its own: the caller records the result in its entry. Undefined when the
 * topic does not exist.
 */
export async function startEvaluationSurvey(
  ctx: Ctx,
  input: z.input<typeof startEvaluationSurveyInput>,
  env: Pick<OutreachEnv, 'i18n' | 'defaultLocale' | 'senders'> = { i18n: getI18n(), defaultLocale: 'zh-CN' },
): Promise<EvaluationSurvey | undefined> {
  const { topicId, department } = startEvaluationSurveyInput.parse(input);
  if (!isUuid(topicId)) return undefined;
  const trigger = evaluationTrigger(topicId);
  // The system starts it, whoever moved the topic on; the topic's own audit entry names them.
  const system: Ctx = { ...ctx, actor: { type: 'system', job: 'evaluation-survey' } };
  const [existing] = await ctx.db.select().from(campaigns).where(eq(campaigns.trigger, trigger)).limit(1);
  if (existing) {
    const [survey] = existing.surveyId
      ? await ctx.db.select({ code: surveys.code }).from(surveys).where(eq(surveys.id, existing.surveyId))
      : [];
    return {
      created: false,
      campaign: existing,
      surveyId: existing.surveyId ?? '',
      surveyCode: survey?.code ?? '',
      planned: 0,
    };
  }
  const [topic] = await ctx.db.select().from(topics).where(eq(topics.id, topicId)).limit(1);
  if (!topic) return undefined;
  const [community] = topic.communityId
    ? await ctx.db
        .select({ name: communities.name })
        .from(communities)
        .where(eq(communities.id, topic.communityId))
    : [];

  const perLocale = (
    build: (t: ReturnType<typeof env.i18n.forLocale>, locale: Locale) => string,
  ): LocalizedText =>
    Object.fromEntries(LOCALES.map((locale) => [locale, build(env.i18n.forLocale(locale), locale)]));
  const titleIn = (locale: Locale) =>
    topic.title[locale] ?? topic.title['zh-CN'] ?? topic.title.en ?? topic.code;

  const [survey] = await ctx.db
    .insert(surveys)
    .values({
      title: perLocale((t, l) =>
        t('outreach:evaluation.surveyTitle', { topicCode: topic.code, topicTitle: titleIn(l) }),
      ),
      topicId,
      department: department ?? null,
      createdBy: ctx.actor.type === 'staff' ? ctx.actor.staffId : null,
      createdAt: ctx.clock.now(),
    })
    .returning();
  if (!survey) throw new Error('survey insert returned no row');
  const [question] = await ctx.db
    .insert(surveyQuestions)
    .values({
      surveyId: survey.id,
      position: 1,
      kind: 'satisfaction',
      prompt: perLocale((t) => t('outreach:evaluation.question', { topicCode: topic.code })),
    })
    .returning();
  if (!question) throw new Error('survey question insert returned no row');

  // The topic title is written into each language's message, shortened as far as that language needs.
  const templates: LocalizedText = {};
  for (const locale of LOCALES) {
    const t = env.i18n.forLocale(locale);
    for (const max of TITLE_LENGTHS) {
      const template =
        max === 0
          ? t('outreach:evaluation.templateNoTitle', { topicCode: topic.code })
          : t('outreach:evaluation.template', {
              topicCode: topic.code,
              topicTitle: literal(shorten(titleIn(locale), max)),
            });
      templates[locale] = template;
      const facts: CampaignMessageFacts = {
        kind: 'survey',
        templates: { [locale]: template },
        ...(community ? { community: community.name } : {}),
        survey: { code: survey.code, firstQuestion: question, questionCount: 1 },
      };
      if (renderInLocale(env.i18n, facts, locale).size.segments <= MAX_SEGMENTS) break;
    }
  }

  const { campaign } = await createCampaign(
    system,
    {
      kind: 'survey',
      name: env.i18n.forLocale(env.defaultLocale)('outreach:evaluation.campaignName', {
        topicCode: topic.code,
      }),
      topicId,
      surveyId: survey.id,
      audience: { participantsOf: [topicId] },
      templates,
      trigger,
    },
    env,
    { audit: false },
  );
  const plan = await planCampaign(
    system,
    { campaign: campaign.id },
    { ...env, queue: undefined },
    { audit: false },
  );
  ctx.log.info(
    { topicId, campaignId: campaign.id, surveyId: survey.id, planned: plan.planned },
    'evaluation survey planned',
  );
  return {
    created: true,
    campaign: plan.campaign,
    surveyId: survey.id,
    surveyCode: survey.code,
    planned: plan.planned,
  };
}
