import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { speakingTurns } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import { DELIBERATION_MANAGER_ROLES } from './deliberation-roles.ts';
import { assertMeetingStatus, loadMeeting, loadParticipant } from './meeting-access.ts';

/** One turn longer than this is a typing mistake rather than a speech. */
export const MAX_TURN_SECONDS = 2 * 60 * 60;

const wholeNumber = z
  .union([z.number(), z.string()])
  .optional()
  .transform((v) =>
    v === undefined || v === '' ? 0 : typeof v === 'number' ? v : Number(v.normalize('NFKC').trim()),
  )
  .pipe(z.number().int().min(0).max(MAX_TURN_SECONDS));

export const recordSpeakingTurnInput = z.object({
  meetingId: z.string(),
  participantId: z.string(),
  minutes: wholeNumber,
  seconds: wholeNumber,
});

/** Logs one turn of speaking (the rules monitor's timer), so the balance can be shown as the meeting goes. */
export async function recordSpeakingTurn(
  ctx: Ctx,
  input: z.input<typeof recordSpeakingTurnInput>,
): Promise<{ seconds: number }> {
  requireRole(ctx, DELIBERATION_MANAGER_ROLES);
  const data = parseTopicInput(recordSpeakingTurnInput, input);
  const seconds = data.minutes * 60 + data.seconds;
  if (seconds <= 0 || seconds > MAX_TURN_SECONDS) {
    throw new ServiceError('validation_failed', 'deliberation:errors.turnLength', {
      params: { max: MAX_TURN_SECONDS / 60 },
      fields: [
        { field: 'minutes', key: 'deliberation:errors.turnLength', params: { max: MAX_TURN_SECONDS / 60 } },
      ],
    });
  }
  return ctx.db.transaction(async (tx) => {
    const { meeting } = await loadMeeting(ctx, tx, data.meetingId);
    assertMeetingStatus(meeting, ['open', 'closed'], 'recordSpeakingTurn');
    const participant = await loadParticipant(tx, meeting.id, data.participantId);
    await tx.insert(speakingTurns).values({
      meetingId: meeting.id,
      participantId: participant.id,
      seconds,
      recordedBy: actorStaffId(ctx.actor) ?? null,
      recordedAt: ctx.clock.now(),
    });
    await appendAudit(withDb(ctx, tx), {
      action: 'meeting.speaking_turn',
      subjectType: 'meeting',
      subjectId: meeting.id,
      data: { code: meeting.code, participantId: participant.id, seconds },
    });
    return { seconds };
  });
}
