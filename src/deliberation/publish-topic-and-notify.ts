import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { communities, grids, type LocalizedText } from '../db/schema.ts';
import { formatShortDate, type RenderedMessage } from '../outreach/campaign-message.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { findTopic, topicNotFound } from '../topics/apply-transition.ts';
import { calendarCoversRange, publicationPeriod, publishTopic } from '../topics/publish-topic.ts';
import { noteField, parseTopicInput, timeZoneField, topicIdField } from '../topics/topic-input.ts';
import type { Topic } from '../topics/topic-lifecycle.ts';
import { type IsoDate, localDate } from '../topics/working-days.ts';
import { DELIBERATION_VIEWER_ROLES } from './deliberation-roles.ts';
import { assertInScope, communityScope, inScope } from './deliberation-scope.ts';
import { changeManagedTopic } from './managed-topic.ts';
import {
  countAudience,
  type NoticeEnv,
  type NoticeWording,
  previewNotice,
  type QueuedNotice,
  queueNotice,
  resolveNoticeAudience,
} from './topic-notices.ts';

const idList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((s) => s !== ''));

export const publishTopicAndNotifyInput = z.object({
  topicId: topicIdField,
  note: noteField,
  timeZone: timeZoneField,
  /** Only these grids of the topic's community; none = the whole community. */
  gridIds: idList,
  /** For a street-wide topic: the communities to tell. */
  communityIds: idList,
});
export type PublishTopicAndNotifyInput = z.input<typeof publishTopicAndNotifyInput>;

/** The publication notice: "议题T23《3号楼加装电梯》公示至12月8日。支持回1，反对回2…". */
export function publicationWording(topic: Pick<Topic, 'code'>, until: IsoDate): NoticeWording {
  return (t, locale, title, detail) => {
    if (detail > 0) return undefined;
    const params = { topicCode: topic.code, topicTitle: title, until: formatShortDate(until, locale) };
    return title
      ? t('deliberation:notices.publication', params)
      : t('deliberation:notices.publicationNoTitle', params);
  };
}

export interface PublicationPreview {
  topic: Topic;
  publishedOn: IsoDate;
  publicationEndsOn: IsoDate;
  deliberationEarliestOn: IsoDate;
  calendarCovered: boolean;
  messages: RenderedMessage[];
  /** Grids of the topic's community with their residents, or (street-wide topic) the communities. */
  grids: { id: string; code: string; name: LocalizedText; residents: number }[];
  communities: { id: string; code: string; name: LocalizedText; residents: number }[];
  /** Residents of the whole community (or of every community in scope, for a street-wide topic). */
  audienceSize: number;
}

/** What publishing today would fix and send, without doing it. */
export async function previewPublication(
  ctx: Ctx,
  input: { topicId: string; timeZone?: string },
  env: NoticeEnv,
): Promise<PublicationPreview> {
  requireRole(ctx, DELIBERATION_VIEWER_ROLES);
  const data = parseTopicInput(publishTopicAndNotifyInput.pick({ topicId: true, timeZone: true }), input);
  const topic = await findTopic(ctx.db, data.topicId);
  if (!topic) throw topicNotFound();
  const scope = await communityScope(ctx);
  assertInScope(scope, topic.communityId);
  const publishedOn = localDate(ctx.clock.now(), data.timeZone);
  const period = publicationPeriod(publishedOn);
  const messages = await previewNotice(
    ctx.db,
    env,
    topic,
    publicationWording(topic, period.publicationEndsOn),
  );
  let gridRows: PublicationPreview['grids'] = [];
  let communityRows: PublicationPreview['communities'] = [];
  if (topic.communityId) {
    const rows = await ctx.db
      .select({ id: grids.id, code: grids.code, name: grids.name })
      .from(grids)
      .where(eq(grids.communityId, topic.communityId))
      .orderBy(asc(grids.code));
    gridRows = await Promise.all(
      rows.map(async (g) => ({
        ...g,
        residents: await countAudience(ctx.db, { gridIds: [g.id] }, env.defaultLocale),
      })),
    );
  } else {
    const rows = await ctx.db
      .select({ id: communities.id, code: communities.code, name: communities.name })
      .from(communities)
      .orderBy(asc(communities.code));
    communityRows = await Promise.all(
      rows
        .filter((c) => inScope(scope, c.id))
        .map(async (c) => ({
          ...c,
          residents: await countAudience(ctx.db, { communityIds: [c.id] }, env.defaultLocale),
        })),
    );
  }
  const audienceSize = topic.communityId
    ? await countAudience(ctx.db, { communityIds: [topic.communityId] }, env.defaultLocale)
    : communityRows.reduce((sum, c) => sum + c.residents, 0);
  return {
    topic,
    publishedOn,
    ...period,
    calendarCovered: calendarCoversRange(publishedOn, period.deliberationEarliestOn),
    messages,
    grids: gridRows,
    communities: communityRows,
    audienceSize,
  };
}

/**
 * Publishes a screened topic (公示) and, in the same transaction, queues the publication notice to the
 * affected residents: the topic's community, or the grids chosen within it. The notice says until when
 * the topic is published and asks for support (1) or opposition (2); replies are recorded as opinions.
 */
export async function publishTopicAndNotify(
  ctx: Ctx,
  input: PublishTopicAndNotifyInput,
  env: NoticeEnv,
): Promise<{ topic: Topic; calendarCovered: boolean; notice: QueuedNotice }> {
  return changeManagedTopic(
    ctx,
    publishTopicAndNotifyInput,
    input,
    async ({ txCtx, tx, topic: current, scope, data }) => {
      const audience = await resolveNoticeAudience(tx, current, scope, data);
      const { topic, calendarCovered } = await publishTopic(txCtx, {
        topicId: current.id,
        timeZone: data.timeZone,
        ...(data.note ? { note: data.note } : {}),
      });
      const until = topic.publicationEndsOn ?? localDate(ctx.clock.now(), data.timeZone);
      const notice = await queueNotice(
        txCtx,
        {
          kind: 'publication',
          subjectId: topic.id,
          topic,
          audience,
          wording: publicationWording(topic, until),
          name: env.i18n.forLocale(env.defaultLocale)('deliberation:notices.publicationCampaign', {
            topicCode: topic.code,
          }),
        },
        env,
      );
      await appendAudit(txCtx, {
        action: 'deliberation.publication_notice',
        subjectType: 'topic',
        subjectId: topic.id,
        data: { code: topic.code, campaign: notice.campaign.code, recipients: notice.planned, audience },
      });
      return { topic, calendarCovered, notice };
    },
  );
}
