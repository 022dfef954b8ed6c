import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { type FieldProblem, ServiceError } from '../core/errors.ts';
import { BALLOT_CHOICES, meetingBallots, meetingParticipants } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { isUuid, parseTopicInput } from '../topics/topic-input.ts';
import { DELIBERATION_MANAGER_ROLES } from './deliberation-roles.ts';
import { loadVote } from './meeting-access.ts';
import { tookPart } from './meeting-analysis.ts';
import { weightFor } from './tally-vote.ts';

export const recordBallotsInput = z.object({
  voteId: z.string(),
  ballots: z
    .array(
      z.object({
        participantId: z.string(),
        /** Empty: this person has not voted (yet). */
        choice: z.union([z.enum(BALLOT_CHOICES), z.literal('')]),
      }),
    )
    .max(1000),
});
/** As a form sends it: each choice is checked by the schema. */
export interface RecordBallotsInput {
  voteId: string;
  ballots: { participantId: string; choice: string }[];
}

/**
 * Records ballots by name while the vote is open, each with the weight of the voter's class at that
 * moment. Only people who took part (in the room, remotely or through a proxy) may vote; a ballot
 * recorded again replaces the earlier one (a correction, audited).
 */
export async function recordBallots(ctx: Ctx, input: RecordBallotsInput): Promise<{ recorded: number }> {
  requireRole(ctx, DELIBERATION_MANAGER_ROLES);
  const data = parseTopicInput(recordBallotsInput, input);
  const given = data.ballots.filter(
    (b): b is { participantId: string; choice: (typeof BALLOT_CHOICES)[number] } => b.choice !== '',
  );
  return ctx.db.transaction(async (tx) => {
    const { vote, meeting } = await loadVote(ctx, tx, data.voteId);
    if (vote.status !== 'open')
      throw new ServiceError('illegal_transition', 'deliberation:errors.voteClosed');
    const ids = given.map((b) => b.participantId).filter(isUuid);
    const people = ids.length
      ? await tx
          .select()
          .from(meetingParticipants)
          .where(and(eq(meetingParticipants.meetingId, meeting.id), inArray(meetingParticipants.id, ids)))
      : [];
    const byId = new Map(people.map((p) => [p.id, p]));
    const problems: FieldProblem[] = [];
    for (const b of given) {
      const person = byId.get(b.participantId);
      if (!person)
        problems.push({ field: `choice.${b.participantId}`, key: 'deliberation:errors.participantNotFound' });
      else if (!tookPart(person.attendance)) {
        problems.push({
          field: `choice.${b.participantId}`,
          key: 'deliberation:errors.voterDidNotAttend',
          params: { name: person.name },
        });
      }
    }
    if (problems.length > 0) {
      throw new ServiceError('validation_failed', 'deliberation:errors.ballotsRefused', { fields: problems });
    }
    const now = ctx.clock.now();
    const recorded = given.map((b) => {
      const person = byId.get(b.participantId)!;
      return {
        voteId: vote.id,
        participantId: person.id,
        choice: b.choice,
        voterClass: person.voterClass,
        weight: weightFor(vote.method, vote.weights, person.voterClass),
        recordedBy: actorStaffId(ctx.actor) ?? null,
        recordedAt: now,
      };
    });
    for (const row of recorded) {
      await tx
        .insert(meetingBallots)
        .values(row)
        .onConflictDoUpdate({
          target: [meetingBallots.voteId, meetingBallots.participantId],
          set: {
            choice: row.choice,
            voterClass: row.voterClass,
            weight: row.weight,
            recordedBy: row.recordedBy,
            recordedAt: now,
          },
        });
    }
    if (recorded.length > 0) {
      await appendAudit(withDb(ctx, tx), {
        action: 'meeting.record_ballots',
        subjectType: 'meeting_vote',
        subjectId: vote.id,
        data: {
          meeting: meeting.code,
          ballots: recorded.map((r) => ({
            participantId: r.participantId,
            choice: r.choice,
            weight: r.weight,
          })),
        },
      });
    }
    return { recorded: recorded.length };
  });
}
