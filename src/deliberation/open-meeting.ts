import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { meetings } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { startDeliberation } from '../topics/start-deliberation.ts';
import { parseTopicInput, timeZoneField } from '../topics/topic-input.ts';
import type { Topic } from '../topics/topic-lifecycle.ts';
import { DELIBERATION_MANAGER_ROLES } from './deliberation-roles.ts';
import { assertMeetingStatus, loadMeeting, type Meeting } from './meeting-access.ts';

export const openMeetingInput = z.object({ meetingId: z.string(), timeZone: timeZoneField });

/**
 * Opens a meeting when it starts. The first meeting on a published topic starts its deliberation
 * (refused before the publication period is over) and so fixes the day the result is due: 7 working
 * days after today.
 */
export async function openMeeting(
  ctx: Ctx,
  input: z.input<typeof openMeetingInput>,
): Promise<{ meeting: Meeting; topic: Topic; startedDeliberation: boolean }> {
  requireRole(ctx, DELIBERATION_MANAGER_ROLES);
  const data = parseTopicInput(openMeetingInput, input);
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx);
    const loaded = await loadMeeting(ctx, tx, data.meetingId);
    assertMeetingStatus(loaded.meeting, ['scheduled'], 'open');
    let topic = loaded.topic;
    let startedDeliberation = false;
    if (topic.status === 'published') {
      topic = (await startDeliberation(txCtx, { topicId: topic.id, timeZone: data.timeZone })).topic;
      startedDeliberation = true;
    } else if (topic.status !== 'deliberating') {
      throw new ServiceError('illegal_transition', 'deliberation:errors.topicNotPublished', {
        params: { status: topic.status },
      });
    }
    const now = ctx.clock.now();
    const [meeting] = await tx
      .update(meetings)
      .set({ status: 'open', openedAt: now, updatedAt: now })
      .where(and(eq(meetings.id, loaded.meeting.id), eq(meetings.status, 'scheduled')))
      .returning();
    if (!meeting) throw new ServiceError('conflict', 'deliberation:errors.changedMeanwhile');
    await appendAudit(txCtx, {
      action: 'meeting.open',
      subjectType: 'meeting',
      subjectId: meeting.id,
      data: { code: meeting.code, topic: topic.code, startedDeliberation, resultDueOn: topic.resultDueOn },
    });
    return { meeting, topic, startedDeliberation };
  });
}
