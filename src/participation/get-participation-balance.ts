import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { assertInScope, communityScope } from '../deliberation/deliberation-scope.ts';
import { parseListsInput } from '../lists/parse-lists-input.ts';
import { requireRole } from '../staff/require-role.ts';
import { findTopic, topicNotFound } from '../topics/apply-transition.ts';
import { topicIdField } from '../topics/topic-input.ts';
import { assessBalance, type TopicBalance } from './assess-balance.ts';
import { BALANCE_VIEWER_ROLES } from './balance-roles.ts';

export const getParticipationBalanceInput = z.object({ topicId: topicIdField });

/**
 * Who has been heard on a topic so far — opinions, votes, survey answers, demands linked to it —
 * by resident group and by channel, against the make-up of its community, with an alert for each
 * affected group that is under-heard and the outreach already done.
 */
export async function getParticipationBalance(
  ctx: Ctx,
  input: z.input<typeof getParticipationBalanceInput>,
): Promise<TopicBalance> {
  requireRole(ctx, BALANCE_VIEWER_ROLES);
  const { topicId } = parseListsInput(getParticipationBalanceInput, input);
  const topic = await findTopic(ctx.db, topicId);
  if (!topic) throw topicNotFound();
  assertInScope(await communityScope(ctx), topic.communityId);
  const [balance] = await assessBalance(ctx.db, [topic.id]);
  if (!balance) throw topicNotFound();
  return balance;
}
