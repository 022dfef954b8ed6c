import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { CAMPAIGN_KINDS, campaigns, type LocalizedText, surveys, topics } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import { campaignAudienceSchema, summariseAudience } from './campaign-audience.ts';
import {
  assertFitsSegments,
  distinctMessages,
  loadCampaignMessageFacts,
  type RenderedMessage,
  renderCampaignMessages,
  TEMPLATE_VARIABLES,
  templatePlaceholders,
} from './campaign-message.ts';
import { assertMayManageCampaigns, type Campaign } from './find-campaign.ts';
import type { OutreachEnv } from './outreach-env.ts';

const template = z
  .string()
  .trim()
  .max(1000)
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const campaignTemplatesSchema = z.object({ 'zh-CN': template, 'zh-HK': template, en: template });

export const createCampaignInput = z.object({
  kind: z.enum(CAMPAIGN_KINDS),
  name: z.string().trim().min(1).max(200),
  topicId: z.uuid().optional(),
  /** Required for a survey: its first question goes out with the message. */
  surveyId: z.uuid().optional(),
  audience: campaignAudienceSchema,
  /** The message per locale with i18next placeholders ({{topicCode}}, {{topicTitle}}, …). */
  templates: campaignTemplatesSchema,
  /** Planned and sent by the scheduler at this instant; without it the campaign stays a draft. */
  scheduledAt: z.coerce.date().optional(),
  /** Set only for campaigns the system starts itself (`evaluation:<topicId>`), so each starts once. */
  trigger: z.string().trim().min(1).max(200).optional(),
  /**
   * Whether a notice about a topic asks residents for 1 (support) / 2 (oppose); false for a notice
   * that only informs (a meeting called, a result published), whose replies are never a stance.
   */
  asksStance: z.boolean().default(true),
});
export type CreateCampaignInput = z.input<typeof createCampaignInput>;

/** A scheduled time this far in the past still counts as "now" (a form submitted slowly). */
const SCHEDULE_SLACK_MS = 60_000;

function checkTemplates(templates: LocalizedText): void {
  const present = Object.entries(templates).filter(([, text]) => text);
  if (present.length === 0) {
    throw new ServiceError('validation_failed', 'outreach:errors.noTemplate', {
      fields: [{ field: 'templates', key: 'outreach:errors.noTemplate' }],
    });
  }
  for (const [locale, text] of present) {
    const unknown = templatePlaceholders(text ?? '').find(
      (name) => !(TEMPLATE_VARIABLES as readonly string[]).includes(name),
    );
    if (unknown !== undefined) {
      const params = {
        placeholder: `{{${unknown}}}`,
        allowed: TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(' '),
      };
      throw new ServiceError('validation_failed', 'outreach:errors.unknownPlaceholder', {
        params,
        fields: [{ field: `templates.${locale}`, key: 'outreach:errors.unknownPlaceholder', params }],
      });
    }
  }
}

/**
 * Creates a notice or survey campaign: audience, per-locale templates, optional schedule. Every message
 * is rendered at once, so a template that would exceed three SMS segments is refused here, before
 * anyone is asked to send it. Returns the campaign and the distinct rendered messages.
 */
export async function createCampaign(
  ctx: Ctx,
  input: CreateCampaignInput,
  env: Pick<OutreachEnv, 'i18n' | 'defaultLocale'>,
  options: { audit?: boolean } = {},
): Promise<{ campaign: Campaign; messages: RenderedMessage[] }> {
  assertMayManageCampaigns(ctx);
  const data = parseTopicInput(createCampaignInput, input);
  const templates: LocalizedText = Object.fromEntries(
    Object.entries(data.templates).filter(([, text]) => text !== undefined),
  );
  checkTemplates(templates);
  if (data.kind === 'survey' && !data.surveyId) {
    throw new ServiceError('validation_failed', 'outreach:errors.surveyRequired', {
      fields: [{ field: 'surveyId', key: 'outreach:errors.surveyRequired' }],
    });
  }
  const now = ctx.clock.now();
  if (data.scheduledAt && data.scheduledAt.getTime() < now.getTime() - SCHEDULE_SLACK_MS) {
    throw new ServiceError('validation_failed', 'outreach:errors.scheduleInPast', {
      fields: [{ field: 'scheduledAt', key: 'outreach:errors.scheduleInPast' }],
    });
  }

  const run = async (tx: Ctx) => {
    if (data.topicId) {
      const [topic] = await tx.db.select({ id: topics.id }).from(topics).where(eq(topics.id, data.topicId));
      if (!topic) {
        throw new ServiceError('validation_failed', 'outreach:errors.topicNotFound', {
          fields: [{ field: 'topicId', key: 'outreach:errors.topicNotFound' }],
        });
      }
    }
    if (data.surveyId) {
      const [survey] = await tx.db
        .select({ id: surveys.id })
        .from(surveys)
        .where(eq(surveys.id, data.surveyId));
      if (!survey) {
        throw new ServiceError('validation_failed', 'outreach:errors.surveyNotFound', {
          fields: [{ field: 'surveyId', key: 'outreach:errors.surveyNotFound' }],
        });
      }
    }
    const facts = await loadCampaignMessageFacts(tx.db, {
      kind: data.kind,
      templates,
      topicId: data.topicId ?? null,
      surveyId: data.surveyId ?? null,
      audience: data.audience,
    });
    if (data.kind === 'survey' && !facts.survey) {
      throw new ServiceError('validation_failed', 'outreach:errors.surveyHasNoQuestions', {
        fields: [{ field: 'surveyId', key: 'outreach:errors.surveyHasNoQuestions' }],
      });
    }
    const messages = distinctMessages(renderCampaignMessages(env.i18n, facts, env.defaultLocale));
    assertFitsSegments(messages);

    const [campaign] = await tx.db
      .insert(campaigns)
      .values({
        kind: data.kind,
        name: data.name,
        topicId: data.topicId ?? null,
        surveyId: data.surveyId ?? null,
        audience: data.audience,
        templates,
        status: data.scheduledAt ? 'scheduled' : 'draft',
        scheduledAt: data.scheduledAt ?? null,
        trigger: data.trigger ?? null,
        asksStance: data.asksStance,
        createdBy: ctx.actor.type === 'staff' ? ctx.actor.staffId : null,
        createdAt: now,
      })
      .returning();
    if (!campaign) throw new Error('campaign insert returned no row');
    // A campaign started as part of another audited action (a topic entering evaluation) is recorded
    // in that action's entry instead.
    if (options.audit !== false)
      await appendAudit(tx, {
        action: 'campaign.create',
        subjectType: 'campaign',
        subjectId: campaign.id,
        data: {
          code: campaign.code,
          kind: campaign.kind,
          name: campaign.name,
          audience: summariseAudience(campaign.audience),
          segments: Object.fromEntries(messages.map((m) => [m.locale, m.size.segments])),
          ...(campaign.scheduledAt ? { scheduledAt: campaign.scheduledAt.toISOString() } : {}),
          ...(campaign.trigger ? { trigger: campaign.trigger } : {}),
        },
      });
    return { campaign, messages };
  };
  return 'rollback' in ctx.db ? run(ctx) : ctx.db.transaction((tx) => run(withDb(ctx, tx)));
}
