import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import {
  deliberationResults,
  type LocalizedText,
  meetings,
  meetingVotes,
  type VoteTally,
} from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { SUMMARY_MAX } from '../topics/create-topic.ts';
import { publishResult } from '../topics/publish-result.ts';
import { isUuid, noteField, timeZoneField, topicIdField } from '../topics/topic-input.ts';
import type { Topic } from '../topics/topic-lifecycle.ts';
import { formList, optionalText } from './form-input.ts';
import { changeManagedTopic } from './managed-topic.ts';
import {
  followUpAudience,
  type NoticeEnv,
  type NoticeWording,
  type QueuedNotice,
  queueNotice,
} from './topic-notices.ts';

export const publishTopicResultInput = z.object({
  topicId: topicIdField,
  /** The result in plain words; Simplified Chinese required, the others optional. */
  summary: z.object({
    'zh-CN': z.string().trim().min(1).max(SUMMARY_MAX),
    'zh-HK': optionalText(SUMMARY_MAX),
    en: optionalText(SUMMARY_MAX),
  }),
  /** Closed votes of this topic's meetings whose tallies are published with the result. */
  voteIds: formList,
  gridIds: formList,
  communityIds: formList,
  note: noteField,
  timeZone: timeZoneField,
});
export type PublishTopicResultInput = z.input<typeof publishTopicResultInput>;

/** "议题T23《…》协商结果已公示：表决通过（赞成12、反对3、弃权1）。详见社区公示栏。" */
export function resultWording(topic: Pick<Topic, 'code'>, tally: VoteTally | undefined): NoticeWording {
  return (t, _locale, title, detail) => {
    if (detail > 1) return undefined;
    let outcome: string;
    if (!tally) outcome = t('deliberation:notices.outcome.agreed');
    else if (detail === 1) {
      outcome = t(
        tally.passed
          ? 'deliberation:notices.outcome.passedShort'
          : 'deliberation:notices.outcome.notPassedShort',
      );
    } else {
      const key = `${tally.method === 'weighted' ? 'weighted' : 'majority'}${tally.passed ? 'Passed' : 'NotPassed'}`;
      const numbers = tally.method === 'weighted' ? tally.weight : tally.count;
      outcome = t(`deliberation:notices.outcome.${key}`, {
        for: numbers.for,
        against: numbers.against,
        abstain: numbers.abstain,
      });
    }
    const params = { topicCode: topic.code, topicTitle: title, outcome };
    return title ? t('deliberation:notices.result', params) : t('deliberation:notices.resultNoTitle', params);
  };
}

function compact(text: Record<string, string | undefined>): LocalizedText {
  return Object.fromEntries(Object.entries(text).filter(([, v]) => v !== undefined)) as LocalizedText;
}

/**
 * Publishes the result of a topic's deliberation (成果公示) with the tallies of the votes chosen, and
 * queues the result notice to the residents told at publication. Needs every meeting closed first. A late
 * result is still published; whether it met the deadline is kept (`on_time`) and shown.
 */
export async function publishTopicResult(
  ctx: Ctx,
  input: PublishTopicResultInput,
  env: NoticeEnv,
): Promise<{ topic: Topic; onTime: boolean; notice: QueuedNotice }> {
  return changeManagedTopic(
    ctx,
    publishTopicResultInput,
    input,
    async ({ txCtx, tx, topic: current, scope, data }) => {
      const meetingRows = await tx
        .select({ id: meetings.id, status: meetings.status })
        .from(meetings)
        .where(eq(meetings.topicId, current.id));
      if (meetingRows.some((m) => m.status !== 'closed') || meetingRows.length === 0) {
        throw new ServiceError('illegal_transition', 'deliberation:errors.meetingsNotClosed');
      }
      const voteIds = [...new Set(data.voteIds)];
      const votes = voteIds.length
        ? await tx
            .select()
            .from(meetingVotes)
            .where(
              and(
                inArray(meetingVotes.id, voteIds.filter(isUuid)),
                inArray(
                  meetingVotes.meetingId,
                  meetingRows.map((m) => m.id),
                ),
                eq(meetingVotes.status, 'closed'),
              ),
            )
        : [];
      if (votes.length !== voteIds.length) {
        throw new ServiceError('validation_failed', 'deliberation:errors.voteNotPublishable', {
          fields: [{ field: 'voteIds', key: 'deliberation:errors.voteNotPublishable' }],
        });
      }
      const audience = await followUpAudience(tx, current, scope, data);
      const { topic, onTime } = await publishResult(txCtx, {
        topicId: current.id,
        timeZone: data.timeZone,
        ...(data.note ? { note: data.note } : {}),
      });
      // The first vote chosen is the one the notice reports; all chosen tallies are on the record.
      const ordered = voteIds.map((id) => votes.find((v) => v.id === id)!);
      const headline = ordered[0]?.tally ?? undefined;
      const notice = await queueNotice(
        txCtx,
        {
          kind: 'result',
          subjectId: topic.id,
          topic,
          audience,
          wording: resultWording(topic, headline),
          name: env.i18n.forLocale(env.defaultLocale)('deliberation:notices.resultCampaign', {
            topicCode: topic.code,
          }),
        },
        env,
      );
      const now = ctx.clock.now();
      await tx.insert(deliberationResults).values({
        topicId: topic.id,
        summary: compact(data.summary),
        voteIds,
        noticeCampaignId: notice.campaign.id,
        onTime,
        publishedBy: actorStaffId(ctx.actor) ?? null,
        publishedAt: now,
      });
      await appendAudit(txCtx, {
        action: 'deliberation.publish_result',
        subjectType: 'topic',
        subjectId: topic.id,
        data: {
          code: topic.code,
          onTime,
          resultDueOn: topic.resultDueOn,
          votes: ordered.map((v) => ({ id: v.id, tally: v.tally })),
          campaign: notice.campaign.code,
          recipients: notice.planned,
        },
      });
      return { topic, onTime, notice };
    },
  );
}
