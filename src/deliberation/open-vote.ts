import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { meetingVotes, VOTE_METHODS, type VoteWeights } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import { DELIBERATION_MANAGER_ROLES } from './deliberation-roles.ts';
import { assertMeetingStatus, loadMeeting, type MeetingVote } from './meeting-access.ts';
import { MAX_WEIGHT, parseWeightLines } from './tally-vote.ts';

export const QUESTION_MAX = 500;

export const openVoteInput = z.object({
  meetingId: z.string(),
  question: z.string().trim().min(1).max(QUESTION_MAX),
  method: z.enum(VOTE_METHODS),
  /** Weighted votes: one voter class a line, "1楼 = 3". */
  weights: z.string().max(5000).optional(),
  /** Weighted votes: the weight of anyone whose class is not listed. */
  otherwiseWeight: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === '' ? '1' : v.normalize('NFKC'))),
});
/** As a form sends it: the method is checked by the schema. */
export type OpenVoteInput = Omit<z.input<typeof openVoteInput>, 'method'> & { method: string };

function weightProblem(
  key: string,
  params: Record<string, string | number> = {},
  field = 'weights',
): ServiceError {
  return new ServiceError('validation_failed', key, { params, fields: [{ field, key, params }] });
}

/**
 * Puts a motion to the vote in an open meeting: by simple majority, or weighted by voter class (分层表决)
 * with the weights fixed before anyone votes.
 */
export async function openVote(ctx: Ctx, input: OpenVoteInput): Promise<MeetingVote> {
  requireRole(ctx, DELIBERATION_MANAGER_ROLES);
  const data = parseTopicInput(openVoteInput, input);
  let weights: VoteWeights = { byClass: {}, otherwise: 1 };
  if (data.method === 'weighted') {
    const parsed = parseWeightLines(data.weights ?? '');
    if (!parsed.ok) {
      throw weightProblem(`deliberation:errors.weightLine.${parsed.error.problem}`, {
        line: parsed.error.line,
        max: MAX_WEIGHT,
      });
    }
    if (Object.keys(parsed.byClass).length === 0) throw weightProblem('deliberation:errors.weightsRequired');
    const otherwise = Number(data.otherwiseWeight);
    if (!/^\d+(\.\d{1,2})?$/.test(data.otherwiseWeight) || !(otherwise > 0 && otherwise <= MAX_WEIGHT)) {
      throw weightProblem('deliberation:errors.otherwiseWeight', { max: MAX_WEIGHT }, 'otherwiseWeight');
    }
    weights = { byClass: parsed.byClass, otherwise };
  }
  return ctx.db.transaction(async (tx) => {
    const { meeting } = await loadMeeting(ctx, tx, data.meetingId);
    assertMeetingStatus(meeting, ['open'], 'openVote');
    const [vote] = await tx
      .insert(meetingVotes)
      .values({
        meetingId: meeting.id,
        question: data.question,
        method: data.method,
        weights,
        status: 'open',
        createdBy: actorStaffId(ctx.actor) ?? null,
        createdAt: ctx.clock.now(),
      })
      .returning();
    if (!vote) throw new Error('vote insert returned no row');
    await appendAudit(withDb(ctx, tx), {
      action: 'meeting.open_vote',
      subjectType: 'meeting_vote',
      subjectId: vote.id,
      data: { meeting: meeting.code, question: vote.question, method: vote.method, weights },
    });
    return vote;
  });
}
