import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { meetings, meetingVotes } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import { DELIBERATION_MANAGER_ROLES } from './deliberation-roles.ts';
import { assertMeetingStatus, loadMeeting, type Meeting } from './meeting-access.ts';

export const closeMeetingInput = z.object({ meetingId: z.string() });

/** Closes a meeting that has ended. Refused while a vote is still open: its count would be lost. */
export async function closeMeeting(ctx: Ctx, input: z.input<typeof closeMeetingInput>): Promise<Meeting> {
  requireRole(ctx, DELIBERATION_MANAGER_ROLES);
  const data = parseTopicInput(closeMeetingInput, input);
  return ctx.db.transaction(async (tx) => {
    const loaded = await loadMeeting(ctx, tx, data.meetingId);
    assertMeetingStatus(loaded.meeting, ['open'], 'close');
    const [openVote] = await tx
      .select({ id: meetingVotes.id })
      .from(meetingVotes)
      .where(and(eq(meetingVotes.meetingId, loaded.meeting.id), eq(meetingVotes.status, 'open')))
      .limit(1);
    if (openVote) throw new ServiceError('illegal_transition', 'deliberation:errors.voteStillOpen');
    const now = ctx.clock.now();
    const [meeting] = await tx
      .update(meetings)
      .set({ status: 'closed', closedAt: now, updatedAt: now })
      .where(and(eq(meetings.id, loaded.meeting.id), eq(meetings.status, 'open')))
      .returning();
    if (!meeting) throw new ServiceError('conflict', 'deliberation:errors.changedMeanwhile');
    await appendAudit(withDb(ctx, tx), {
      action: 'meeting.close',
      subjectType: 'meeting',
      subjectId: meeting.id,
      data: { code: meeting.code, topic: loaded.topic.code },
    });
    return meeting;
  });
}
