import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { meetingMinutes } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import { DELIBERATION_MANAGER_ROLES } from './deliberation-roles.ts';
import { assertMeetingStatus, loadMeeting } from './meeting-access.ts';

export const MINUTES_MAX = 10_000;
export const DECISION_MAX = 2000;

export const recordMinutesInput = z.object({
  meetingId: z.string(),
  /** What was said: the views put forward, by whom, and how they were answered. */
  discussion: z.string().trim().min(1).max(MINUTES_MAX),
  /** What the meeting decided (or that it decided nothing yet, and why). */
  decision: z.string().trim().min(1).max(DECISION_MAX),
});

/** Writes (or rewrites) a meeting's minutes; every version is kept in the audit log. */
export async function recordMinutes(ctx: Ctx, input: z.input<typeof recordMinutesInput>): Promise<void> {
  requireRole(ctx, DELIBERATION_MANAGER_ROLES);
  const data = parseTopicInput(recordMinutesInput, input);
  await ctx.db.transaction(async (tx) => {
    const { meeting } = await loadMeeting(ctx, tx, data.meetingId);
    assertMeetingStatus(meeting, ['open', 'closed'], 'recordMinutes');
    const values = {
      discussion: data.discussion,
      decision: data.decision,
      recordedBy: actorStaffId(ctx.actor) ?? null,
      recordedAt: ctx.clock.now(),
    };
    await tx
      .insert(meetingMinutes)
      .values({ meetingId: meeting.id, ...values })
      .onConflictDoUpdate({ target: meetingMinutes.meetingId, set: values });
    await appendAudit(withDb(ctx, tx), {
      action: 'meeting.record_minutes',
      subjectType: 'meeting',
      subjectId: meeting.id,
      data: { code: meeting.code, discussion: data.discussion, decision: data.decision },
    });
  });
}
