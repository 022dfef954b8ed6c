import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { type FieldProblem, ServiceError } from '../core/errors.ts';
import { ATTENDANCE_MODES, meetingParticipants } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { isUuid, parseTopicInput } from '../topics/topic-input.ts';
import { NAME_MAX } from './add-participant.ts';
import { DELIBERATION_MANAGER_ROLES } from './deliberation-roles.ts';
import { assertMeetingStatus, loadMeeting } from './meeting-access.ts';

export const recordAttendanceInput = z.object({
  meetingId: z.string(),
  entries: z
    .array(
      z.object({
        participantId: z.string(),
        /** Empty: leave as it is (not recorded yet). */
        attendance: z.union([z.enum(ATTENDANCE_MODES), z.literal('')]),
        proxyName: z.string().trim().max(NAME_MAX).optional(),
      }),
    )
    .max(1000),
});
/** As a form sends it: each way of taking part is checked by the schema. */
export interface RecordAttendanceInput {
  meetingId: string;
  entries: { participantId: string; attendance: string; proxyName?: string }[];
}

/**
 * Records how each person took part: in the room, remotely, through a proxy (whose name is required),
 * or not at all. Once the meeting has opened; corrections after it closed are allowed and audited.
 */
export async function recordAttendance(
  ctx: Ctx,
  input: RecordAttendanceInput,
): Promise<{ recorded: number }> {
  requireRole(ctx, DELIBERATION_MANAGER_ROLES);
  const data = parseTopicInput(recordAttendanceInput, input);
  const problems: FieldProblem[] = data.entries
    .filter((e) => e.attendance === 'proxied' && !e.proxyName)
    .map((e) => ({ field: `proxyName.${e.participantId}`, key: 'deliberation:errors.proxyNameRequired' }));
  if (problems.length > 0) {
    throw new ServiceError('validation_failed', 'deliberation:errors.proxyNameRequired', {
      fields: problems,
    });
  }
  return ctx.db.transaction(async (tx) => {
    const { meeting } = await loadMeeting(ctx, tx, data.meetingId);
    assertMeetingStatus(meeting, ['open', 'closed'], 'recordAttendance');
    const now = ctx.clock.now();
    const changes: { participantId: string; attendance: string }[] = [];
    for (const entry of data.entries) {
      if (entry.attendance === '') continue;
      const updated = !isUuid(entry.participantId)
        ? []
        : await tx
            .update(meetingParticipants)
            .set({
              attendance: entry.attendance,
              proxyName: entry.attendance === 'proxied' ? (entry.proxyName ?? null) : null,
              attendanceRecordedAt: now,
            })
            .where(
              and(
                eq(meetingParticipants.id, entry.participantId),
                eq(meetingParticipants.meetingId, meeting.id),
              ),
            )
            .returning({ id: meetingParticipants.id });
      if (updated.length === 0) {
        throw new ServiceError('validation_failed', 'deliberation:errors.participantNotFound', {
          fields: [
            { field: `attendance.${entry.participantId}`, key: 'deliberation:errors.participantNotFound' },
          ],
        });
      }
      changes.push({ participantId: entry.participantId, attendance: entry.attendance });
    }
    if (changes.length > 0) {
      await appendAudit(withDb(ctx, tx), {
        action: 'meeting.record_attendance',
        subjectType: 'meeting',
        subjectId: meeting.id,
        data: { code: meeting.code, changes },
      });
    }
    return { recorded: changes.length };
  });
}
