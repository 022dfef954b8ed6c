import { asc, eq, inArray } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import {
  meetingBallots,
  meetingMinutes,
  meetingParticipants,
  meetingVotes,
  speakingTurns,
} from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import type { Topic } from '../topics/topic-lifecycle.ts';
import { DELIBERATION_VIEWER_ROLES } from './deliberation-roles.ts';
import { loadMeeting, type Meeting, type MeetingParticipant, type MeetingVote } from './meeting-access.ts';
import {
  type AttendanceByGroup,
  attendanceByGroup,
  type PanelComposition,
  panelComposition,
  type RecordPart,
  recordCompleteness,
  type SpeakingBalance,
  speakingBalance,
} from './meeting-analysis.ts';
import { type NoticeProgress, oneNoticeProgress } from './notice-progress.ts';

export type MeetingBallot = typeof meetingBallots.$inferSelect & { name: string };
export type Minutes = typeof meetingMinutes.$inferSelect;

export interface MeetingRecord {
  meeting: Meeting;
  topic: Topic;
  participants: MeetingParticipant[];
  minutes: Minutes | null;
  /** Oldest first, each with its ballots by name. */
  votes: (MeetingVote & { ballots: MeetingBallot[] })[];
  composition: PanelComposition;
  attendance: AttendanceByGroup;
  speaking: SpeakingBalance;
  completeness: { complete: boolean; missing: RecordPart[] };
  notice: NoticeProgress | null;
}

/** Everything recorded about a meeting, with the composition, attendance, balance and completeness. */
export async function getMeetingRecord(ctx: Ctx, input: { meetingId: string }): Promise<MeetingRecord> {
  requireRole(ctx, DELIBERATION_VIEWER_ROLES);
  const { meeting, topic } = await loadMeeting(ctx, ctx.db, input.meetingId);
  const participants = await ctx.db
    .select()
    .from(meetingParticipants)
    .where(eq(meetingParticipants.meetingId, meeting.id))
    .orderBy(asc(meetingParticipants.createdAt), asc(meetingParticipants.name), asc(meetingParticipants.id));
  const [minutes] = await ctx.db
    .select()
    .from(meetingMinutes)
    .where(eq(meetingMinutes.meetingId, meeting.id));
  const voteRows = await ctx.db
    .select()
    .from(meetingVotes)
    .where(eq(meetingVotes.meetingId, meeting.id))
    .orderBy(asc(meetingVotes.createdAt), asc(meetingVotes.id));
  const ballotRows = voteRows.length
    ? await ctx.db
        .select({ ballot: meetingBallots, name: meetingParticipants.name })
        .from(meetingBallots)
        .innerJoin(meetingParticipants, eq(meetingParticipants.id, meetingBallots.participantId))
        .where(
          inArray(
            meetingBallots.voteId,
            voteRows.map((v) => v.id),
          ),
        )
        .orderBy(
          asc(meetingParticipants.createdAt),
          asc(meetingParticipants.name),
          asc(meetingParticipants.id),
        )
    : [];
  const votes = voteRows.map((v) => ({
    ...v,
    ballots: ballotRows.filter((b) => b.ballot.voteId === v.id).map((b) => ({ ...b.ballot, name: b.name })),
  }));
  const turns = await ctx.db
    .select({ participantId: speakingTurns.participantId, seconds: speakingTurns.seconds })
    .from(speakingTurns)
    .where(eq(speakingTurns.meetingId, meeting.id));
  return {
    meeting,
    topic,
    participants,
    minutes: minutes ?? null,
    votes,
    composition: panelComposition(participants),
    attendance: attendanceByGroup(participants),
    speaking: speakingBalance(participants, turns),
    completeness: recordCompleteness({
      status: meeting.status,
      participants,
      hasMinutes: minutes !== undefined,
      closedVotesWithBallots: votes.filter((v) => v.status === 'closed' && v.ballots.length > 0).length,
    }),
    notice: await oneNoticeProgress(ctx.db, meeting.noticeCampaignId),
  };
}
