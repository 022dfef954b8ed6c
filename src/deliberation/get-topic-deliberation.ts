import { asc, eq, inArray } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import {
  type Channel,
  campaigns,
  deliberationResults,
  demands,
  intakes,
  meetings,
  meetingVotes,
  screeningDecisions,
  topicOrigins,
} from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import { getTopic } from '../topics/get-topic.ts';
import type { Topic, TopicTransition } from '../topics/topic-lifecycle.ts';
import { localDate } from '../topics/working-days.ts';
import { DELIBERATION_VIEWER_ROLES } from './deliberation-roles.ts';
import { assertInScope, communityScope } from './deliberation-scope.ts';
import type { Meeting, MeetingVote } from './meeting-access.ts';
import { type NoticeProgress, noticeProgress } from './notice-progress.ts';
import { type ResultDeadline, resultDeadline } from './result-deadline.ts';
import { type NoticeKind, noticeTrigger } from './topic-notices.ts';

export interface LinkedNeed {
  id: string;
  text: string;
  channel: Channel;
  receivedAt: Date;
}

export interface TopicDeliberation {
  topic: Topic;
  timeline: TopicTransition[];
  origin: typeof topicOrigins.$inferSelect | null;
  /** Needs screened into this topic, oldest first. */
  needs: LinkedNeed[];
  meetings: Meeting[];
  /** Closed votes of the topic's meetings: what a result can publish. */
  closedVotes: (MeetingVote & { meetingCode: string })[];
  result: typeof deliberationResults.$inferSelect | null;
  notices: Partial<Record<NoticeKind, NoticeProgress>>;
  deadline: ResultDeadline;
}

/** A topic as the deliberation console shows it: origin, linked needs, meetings, notices, result. */
export async function getTopicDeliberation(
  ctx: Ctx,
  input: { topicId: string; timeZone: string },
): Promise<TopicDeliberation> {
  requireRole(ctx, DELIBERATION_VIEWER_ROLES);
  const { topic, timeline } = await getTopic(ctx, { topicId: input.topicId });
  assertInScope(await communityScope(ctx), topic.communityId);
  const [origin] = await ctx.db.select().from(topicOrigins).where(eq(topicOrigins.topicId, topic.id));
  const needRows = await ctx.db
    .select({
      id: intakes.id,
      intakeText: intakes.text,
      demandText: demands.text,
      channel: intakes.channel,
      receivedAt: intakes.receivedAt,
    })
    .from(screeningDecisions)
    .innerJoin(intakes, eq(intakes.id, screeningDecisions.intakeId))
    .leftJoin(demands, eq(demands.intakeId, intakes.id))
    .where(eq(screeningDecisions.topicId, topic.id))
    .orderBy(asc(intakes.receivedAt), asc(intakes.id));
  const meetingRows = await ctx.db
    .select()
    .from(meetings)
    .where(eq(meetings.topicId, topic.id))
    .orderBy(asc(meetings.startsAt), asc(meetings.number));
  const votes = meetingRows.length
    ? await ctx.db
        .select()
        .from(meetingVotes)
        .where(
          inArray(
            meetingVotes.meetingId,
            meetingRows.map((m) => m.id),
          ),
        )
        .orderBy(asc(meetingVotes.createdAt))
    : [];
  const [result] = await ctx.db
    .select()
    .from(deliberationResults)
    .where(eq(deliberationResults.topicId, topic.id));
  const kinds: NoticeKind[] = ['publication', 'result'];
  const noticeCampaigns = await ctx.db
    .select({ id: campaigns.id, trigger: campaigns.trigger })
    .from(campaigns)
    .where(
      inArray(
        campaigns.trigger,
        kinds.map((k) => noticeTrigger(k, topic.id)),
      ),
    );
  const progress = await noticeProgress(
    ctx.db,
    noticeCampaigns.map((c) => c.id),
  );
  const notices: Partial<Record<NoticeKind, NoticeProgress>> = {};
  for (const kind of kinds) {
    const campaign = noticeCampaigns.find((c) => c.trigger === noticeTrigger(kind, topic.id));
    const p = campaign ? progress.get(campaign.id) : undefined;
    if (p) notices[kind] = p;
  }
  return {
    topic,
    timeline,
    origin: origin ?? null,
    needs: needRows.map((n) => ({
      id: n.id,
      text: n.demandText ?? n.intakeText ?? '',
      channel: n.channel,
      receivedAt: n.receivedAt,
    })),
    meetings: meetingRows,
    closedVotes: votes
      .filter((v) => v.status === 'closed')
      .map((v) => ({ ...v, meetingCode: meetingRows.find((m) => m.id === v.meetingId)?.code ?? '' })),
    result: result ?? null,
    notices,
    deadline: resultDeadline(topic, localDate(ctx.clock.now(), input.timeZone), input.timeZone),
  };
}
