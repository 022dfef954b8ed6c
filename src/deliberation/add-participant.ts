import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { MEETING_ROLES, meetingParticipants, PARTICIPANT_GROUPS, residents } from '../db/schema.ts';
import { findOrCreateResidentByPhone } from '../residents/find-or-create-resident-by-phone.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import { DELIBERATION_MANAGER_ROLES } from './deliberation-roles.ts';
import { optionalText } from './form-input.ts';
import { loadMeeting, type MeetingParticipant } from './meeting-access.ts';
import { PANEL_MEMBER_GROUPS } from './meeting-analysis.ts';
import { CLASS_NAME_MAX } from './tally-vote.ts';

export const NAME_MAX = 60;

const checkbox = z
  .union([z.boolean(), z.string()])
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true' || v === '1');

export const addParticipantInput = z.object({
  meetingId: z.string(),
  name: z.string().trim().min(1).max(NAME_MAX),
  participantGroup: z.enum(PARTICIPANT_GROUPS),
  panelMember: checkbox,
  meetingRole: z
    .union([z.enum(MEETING_ROLES), z.literal('')])
    .optional()
    .transform((v) => (v ? v : undefined)),
  /** For weighted votes, e.g. the floor a household lives on. */
  voterClass: optionalText(CLASS_NAME_MAX),
  /**
   * The person's phone number, when they are (or want to be) known to the hall as a resident: links the
   * participant to that resident (created if new), so their taking part counts for them. Never stored here.
   */
  phone: optionalText(40),
});
/** As a form sends it: the group and role are checked by the schema. */
export type AddParticipantInput = Omit<
  z.input<typeof addParticipantInput>,
  'participantGroup' | 'meetingRole'
> & {
  participantGroup: string;
  meetingRole?: string;
};

/**
 * Adds someone to a meeting's list: a member of the "1 + X" panel (the convener or one of the X
 * groups), a department representative, or a resident attending. Allowed until the record is closed.
 */
export async function addParticipant(ctx: Ctx, input: AddParticipantInput): Promise<MeetingParticipant> {
  requireRole(ctx, DELIBERATION_MANAGER_ROLES);
  const data = parseTopicInput(addParticipantInput, input);
  return ctx.db.transaction(async (tx) => {
    const { meeting, topic } = await loadMeeting(ctx, tx, data.meetingId);
    if (meeting.status === 'closed') {
      throw new ServiceError('illegal_transition', 'deliberation:errors.meetingStatus', {
        params: { status: meeting.status, action: 'addParticipant' },
      });
    }
    if (data.panelMember && !PANEL_MEMBER_GROUPS.includes(data.participantGroup)) {
      throw new ServiceError('validation_failed', 'deliberation:errors.notAPanelGroup', {
        fields: [{ field: 'participantGroup', key: 'deliberation:errors.notAPanelGroup' }],
      });
    }
    if (data.participantGroup === 'convener') {
      const [existing] = await tx
        .select({ id: meetingParticipants.id })
        .from(meetingParticipants)
        .where(
          and(
            eq(meetingParticipants.meetingId, meeting.id),
            eq(meetingParticipants.participantGroup, 'convener'),
          ),
        )
        .limit(1);
      if (existing) {
        throw new ServiceError('validation_failed', 'deliberation:errors.secondConvener', {
          fields: [{ field: 'participantGroup', key: 'deliberation:errors.secondConvener' }],
        });
      }
    }
    let residentId: string | null = null;
    if (data.phone) {
      const found = await findOrCreateResidentByPhone(withDb(ctx, tx), { phone: data.phone });
      if (!found) {
        throw new ServiceError('validation_failed', 'deliberation:errors.phoneInvalid', {
          fields: [{ field: 'phone', key: 'deliberation:errors.phoneInvalid' }],
        });
      }
      residentId = found.resident.id;
      if (found.created) {
        await tx
          .update(residents)
          .set({ communityId: topic.communityId })
          .where(eq(residents.id, residentId));
      }
    }
    const [participant] = await tx
      .insert(meetingParticipants)
      .values({
        meetingId: meeting.id,
        name: data.name,
        participantGroup: data.participantGroup,
        panelMember: data.participantGroup === 'convener' ? true : data.panelMember,
        meetingRole: data.meetingRole ?? null,
        voterClass: data.voterClass ?? null,
        residentId,
        createdBy: actorStaffId(ctx.actor) ?? null,
        createdAt: ctx.clock.now(),
      })
      .returning();
    if (!participant) throw new Error('participant insert returned no row');
    await appendAudit(withDb(ctx, tx), {
      action: 'meeting.add_participant',
      subjectType: 'meeting',
      subjectId: meeting.id,
      data: {
        code: meeting.code,
        participantId: participant.id,
        name: participant.name,
        group: participant.participantGroup,
        panelMember: participant.panelMember,
        voterClass: participant.voterClass,
        residentId: participant.residentId,
      },
    });
    return participant;
  });
}
