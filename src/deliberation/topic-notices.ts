/**
 * Notices at each step of a topic — published (公示), meeting called, result published — go out as
 * outreach notice campaigns to the affected residents. The wording comes from the `deliberation`
 * locale files; the topic's code, title and dates are written into each language's template, the
 * title shortened (or left out) until the message fits in three SMS segments. The hall's name
 * (【…议事堂】) and the opt-out hint are added by outreach. One campaign per step and subject
 * (`campaigns.trigger`), planned in the caller's transaction; the outbox sweep enqueues the deliveries.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import type { DbOrTx } from '../db/database.ts';
import {
  type CampaignAudience,
  campaigns,
  communities,
  grids,
  LOCALES,
  type Locale,
  type LocalizedText,
  residents,
} from '../db/schema.ts';
import type { Translate } from '../i18n/i18n.ts';
import { audienceCondition } from '../outreach/campaign-audience.ts';
import {
  type CampaignMessageFacts,
  distinctMessages,
  MAX_SEGMENTS,
  type RenderedMessage,
  renderCampaignMessages,
  renderInLocale,
} from '../outreach/campaign-message.ts';
import { createCampaign } from '../outreach/create-campaign.ts';
import type { Campaign } from '../outreach/find-campaign.ts';
import type { OutreachEnv } from '../outreach/outreach-env.ts';
import { planCampaign } from '../outreach/plan-campaign.ts';
import { isUuid } from '../topics/topic-input.ts';
import type { Topic } from '../topics/topic-lifecycle.ts';
import { type CommunityScope, inScope } from './deliberation-scope.ts';

export const NOTICE_KINDS = ['publication', 'meeting', 'result'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export type NoticeEnv = Pick<OutreachEnv, 'i18n' | 'defaultLocale' | 'senders'>;

/** The campaign trigger that makes each notice go out once. */
export function noticeTrigger(kind: NoticeKind, subjectId: string): string {
  return `${kind}-notice:${subjectId}`;
}

/** Topic-title lengths tried, longest first; 0 = the variant without a title. */
const TITLE_LENGTHS = [Number.POSITIVE_INFINITY, 30, 20, 14, 8, 0];

/** Staff-written text becomes template text: braces that would read as placeholders are neutralised. */
export function literal(text: string): string {
  return text.replaceAll('{{', '｛｛').replaceAll('}}', '｝｝');
}

function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

export function titleIn(topic: Pick<Topic, 'title' | 'code'>, locale: Locale): string {
  return topic.title[locale] ?? topic.title['zh-CN'] ?? topic.title.en ?? topic.code;
}

/**
 * One language's wording, given the title to use ('' = leave it out) and the degree of detail (0 =
 * everything, higher = shorter). Returns undefined when there is no shorter form.
 */
export type NoticeWording = (
  t: Translate,
  locale: Locale,
  title: string,
  detail: number,
) => string | undefined;

/** Builds every language's template, each as long as fits. */
export function noticeTemplates(
  env: NoticeEnv,
  topic: Pick<Topic, 'title' | 'code'>,
  community: LocalizedText | undefined,
  wording: NoticeWording,
): LocalizedText {
  const templates: LocalizedText = {};
  for (const locale of LOCALES) {
    const t = env.i18n.forLocale(locale);
    let chosen: string | undefined;
    for (let detail = 0; chosen === undefined; detail += 1) {
      const first = wording(t, locale, '', detail);
      if (first === undefined) break;
      for (const max of TITLE_LENGTHS) {
        const title = max === 0 ? '' : literal(shorten(titleIn(topic, locale), max));
        const template = wording(t, locale, title, detail) ?? first;
        chosen = template;
        const facts: CampaignMessageFacts = {
          kind: 'notice',
          templates: { [locale]: template },
          ...(community ? { community } : {}),
        };
        if (renderInLocale(env.i18n, facts, locale).size.segments <= MAX_SEGMENTS) break;
        chosen = undefined;
      }
    }
    // Even the shortest form is too long (an extremely long place name): outreach refuses it by name.
    templates[locale] = chosen ?? wording(t, locale, '', 0) ?? '';
  }
  return templates;
}

/** The messages residents would get, per language, without writing anything. */
export async function previewNotice(
  db: DbOrTx,
  env: NoticeEnv,
  topic: Topic,
  wording: NoticeWording,
): Promise<RenderedMessage[]> {
  const community = await communityName(db, topic.communityId);
  const templates = noticeTemplates(env, topic, community, wording);
  const facts: CampaignMessageFacts = { kind: 'notice', templates, ...(community ? { community } : {}) };
  return distinctMessages(renderCampaignMessages(env.i18n, facts, env.defaultLocale));
}

export async function communityName(
  db: DbOrTx,
  communityId: string | null,
): Promise<LocalizedText | undefined> {
  if (!communityId) return undefined;
  const [row] = await db
    .select({ name: communities.name })
    .from(communities)
    .where(eq(communities.id, communityId))
    .limit(1);
  return row?.name;
}

/** Who is told about a topic: its community's residents, or only some of its grids. */
export interface NoticeAudienceChoice {
  gridIds?: readonly string[] | undefined;
  communityIds?: readonly string[] | undefined;
}

function audienceProblem(): ServiceError {
  return new ServiceError('validation_failed', 'deliberation:errors.audienceRequired', {
    fields: [{ field: 'audience', key: 'deliberation:errors.audienceRequired' }],
  });
}

/**
 * The campaign audience for a topic's notices. A topic of one community reaches that community, or
 * the grids chosen within it; a street-wide topic reaches the communities chosen (within scope).
 */
export async function resolveNoticeAudience(
  db: DbOrTx,
  topic: Topic,
  scope: CommunityScope,
  choice: NoticeAudienceChoice,
): Promise<CampaignAudience> {
  const gridIds = [...new Set(choice.gridIds ?? [])];
  if (topic.communityId) {
    if (gridIds.length === 0) return { communityIds: [topic.communityId] };
    const found = await db
      .select({ id: grids.id })
      .from(grids)
      .where(and(eq(grids.communityId, topic.communityId), inArray(grids.id, gridIds.filter(isUuid))));
    if (found.length !== gridIds.length) throw audienceProblem();
    return { communityIds: [topic.communityId], gridIds };
  }
  const communityIds = [...new Set(choice.communityIds ?? [])].filter(isUuid);
  if (communityIds.length === 0 || communityIds.length !== (choice.communityIds ?? []).length) {
    throw audienceProblem();
  }
  const found = await db
    .select({ id: communities.id })
    .from(communities)
    .where(inArray(communities.id, communityIds));
  if (found.length !== communityIds.length || communityIds.some((id) => !inScope(scope, id))) {
    throw audienceProblem();
  }
  return { communityIds };
}

/** Residents an audience selects today. */
export async function countAudience(
  db: DbOrTx,
  audience: CampaignAudience,
  defaultLocale: Locale,
): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(residents)
    .where(audienceCondition(audience, defaultLocale));
  return row?.n ?? 0;
}

/** The audience of the notice a topic's publication sent, to reuse for its meeting and result notices. */
export async function publicationAudience(
  db: DbOrTx,
  topicId: string,
): Promise<CampaignAudience | undefined> {
  const [row] = await db
    .select({ audience: campaigns.audience })
    .from(campaigns)
    .where(eq(campaigns.trigger, noticeTrigger('publication', topicId)))
    .limit(1);
  return row?.audience;
}

/**
 * The audience of a topic's later notices (meeting, result): the grids or communities chosen now, or
 * else the residents its publication notice reached, or else what the topic's community implies.
 */
export async function followUpAudience(
  db: DbOrTx,
  topic: Topic,
  scope: CommunityScope,
  choice: NoticeAudienceChoice,
): Promise<CampaignAudience> {
  const chosen = (choice.gridIds?.length ?? 0) > 0 || (choice.communityIds?.length ?? 0) > 0;
  return (
    (!chosen ? await publicationAudience(db, topic.id) : undefined) ??
    (await resolveNoticeAudience(db, topic, scope, choice))
  );
}

export interface QueuedNotice {
  campaign: Campaign;
  /** Deliveries written (queued, held, routed to a home visit or skipped as opted out). */
  planned: number;
  messages: RenderedMessage[];
}

/**
 * Creates and plans one notice campaign inside the caller's transaction. Its creation is recorded in
 * the caller's audit entry, not one of its own.
 */
export async function queueNotice(
  ctx: Ctx,
  spec: {
    kind: NoticeKind;
    subjectId: string;
    topic: Topic;
    audience: CampaignAudience;
    wording: NoticeWording;
    name: string;
  },
  env: NoticeEnv,
): Promise<QueuedNotice> {
  const community = await communityName(ctx.db, spec.topic.communityId);
  const templates = noticeTemplates(env, spec.topic, community, spec.wording);
  const { campaign } = await createCampaign(
    ctx,
    {
      kind: 'notice',
      name: spec.name,
      topicId: spec.topic.id,
      audience: spec.audience,
      templates,
      trigger: noticeTrigger(spec.kind, spec.subjectId),
      // Only the publication notice asks "支持回1，反对回2"; a meeting or result notice informs.
      asksStance: spec.kind === 'publication',
    },
    env,
    { audit: false },
  );
  const plan = await planCampaign(
    ctx,
    { campaign: campaign.id },
    { ...env, queue: undefined },
    { audit: false },
  );
  return { campaign: plan.campaign, planned: plan.planned, messages: plan.messages };
}
