import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { meetingBallots, meetingVotes } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import { DELIBERATION_MANAGER_ROLES } from './deliberation-roles.ts';
import { loadVote, type MeetingVote } from './meeting-access.ts';
import { tallyVote } from './tally-vote.ts';

export const closeVoteInput = z.object({ voteId: z.string() });

/** Closes a vote and fixes its tally from the ballots recorded by name; the tally is kept as counted. */
export async function closeVote(ctx: Ctx, input: z.input<typeof closeVoteInput>): Promise<MeetingVote> {
  requireRole(ctx, DELIBERATION_MANAGER_ROLES);
  const data = parseTopicInput(closeVoteInput, input);
  return ctx.db.transaction(async (tx) => {
    const { vote, meeting } = await loadVote(ctx, tx, data.voteId);
    if (vote.status !== 'open')
      throw new ServiceError('illegal_transition', 'deliberation:errors.voteClosed');
    const ballots = await tx
      .select({ choice: meetingBallots.choice, weight: meetingBallots.weight })
      .from(meetingBallots)
      .where(eq(meetingBallots.voteId, vote.id));
    if (ballots.length === 0) throw new ServiceError('illegal_transition', 'deliberation:errors.noBallots');
    const tally = tallyVote(vote.method, ballots);
    const now = ctx.clock.now();
    const [closed] = await tx
      .update(meetingVotes)
      .set({ status: 'closed', tally, closedAt: now })
      .where(and(eq(meetingVotes.id, vote.id), eq(meetingVotes.status, 'open')))
      .returning();
    if (!closed) throw new ServiceError('conflict', 'deliberation:errors.changedMeanwhile');
    await appendAudit(withDb(ctx, tx), {
      action: 'meeting.close_vote',
      subjectType: 'meeting_vote',
      subjectId: vote.id,
      data: { meeting: meeting.code, question: vote.question, tally },
    });
    return closed;
  });
}
