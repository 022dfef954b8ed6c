/** Loading a meeting (and its topic) for someone about to read or change it, within their communities. */
import { and, eq } from 'drizzle-orm';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import type { DbOrTx } from '../db/database.ts';
import { type MeetingStatus, meetingParticipants, meetings, meetingVotes, topics } from '../db/schema.ts';
import { isUuid } from '../topics/topic-input.ts';
import type { Topic } from '../topics/topic-lifecycle.ts';
import { assertInScope, communityScope } from './deliberation-scope.ts';

export type Meeting = typeof meetings.$inferSelect;
export type MeetingParticipant = typeof meetingParticipants.$inferSelect;
export type MeetingVote = typeof meetingVotes.$inferSelect;

export function meetingNotFound(): ServiceError {
  return new ServiceError('not_found', 'deliberation:errors.meetingNotFound');
}

/** The meeting and its topic, or `not_found`; `forbidden` outside the actor's communities. */
export async function loadMeeting(
  ctx: Ctx,
  db: DbOrTx,
  meetingId: string,
): Promise<{ meeting: Meeting; topic: Topic }> {
  if (!isUuid(meetingId)) throw meetingNotFound();
  const [row] = await db
    .select({ meeting: meetings, topic: topics })
    .from(meetings)
    .innerJoin(topics, eq(topics.id, meetings.topicId))
    .where(eq(meetings.id, meetingId))
    .limit(1);
  if (!row) throw meetingNotFound();
  // The scope is read through `db` too: inside a transaction, a query on another connection would wait on it.
  assertInScope(await communityScope(withDb(ctx, db)), row.topic.communityId);
  return row;
}

/** Refuses the action unless the meeting is in one of these statuses. */
export function assertMeetingStatus(
  meeting: Meeting,
  allowed: readonly MeetingStatus[],
  action: string,
): void {
  if (!allowed.includes(meeting.status)) {
    throw new ServiceError('illegal_transition', 'deliberation:errors.meetingStatus', {
      params: { status: meeting.status, action },
    });
  }
}

/** A participant of this meeting, or `not_found`. */
export async function loadParticipant(
  db: DbOrTx,
  meetingId: string,
  participantId: string,
): Promise<MeetingParticipant> {
  const [row] = isUuid(participantId)
    ? await db
        .select()
        .from(meetingParticipants)
        .where(and(eq(meetingParticipants.id, participantId), eq(meetingParticipants.meetingId, meetingId)))
        .limit(1)
    : [];
  if (!row) {
    throw new ServiceError('validation_failed', 'deliberation:errors.participantNotFound', {
      fields: [{ field: 'participantId', key: 'deliberation:errors.participantNotFound' }],
    });
  }
  return row;
}

/** A vote with its meeting and topic, or `not_found`. */
export async function loadVote(
  ctx: Ctx,
  db: DbOrTx,
  voteId: string,
): Promise<{ vote: MeetingVote; meeting: Meeting; topic: Topic }> {
  if (!isUuid(voteId)) throw new ServiceError('not_found', 'deliberation:errors.voteNotFound');
  const [row] = await db.select().from(meetingVotes).where(eq(meetingVotes.id, voteId)).limit(1);
  if (!row) throw new ServiceError('not_found', 'deliberation:errors.voteNotFound');
  const { meeting, topic } = await loadMeeting(ctx, db, row.meetingId);
  return { vote: row, meeting, topic };
}
