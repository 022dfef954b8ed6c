import type { Ctx } from '../core/context.ts';
import { requireRole } from '../staff/require-role.ts';
import { findTopic, topicNotFound } from '../topics/apply-transition.ts';
import { screenTopic } from '../topics/screen-topic.ts';
import type { Topic } from '../topics/topic-lifecycle.ts';
import { DELIBERATION_MANAGER_ROLES } from './deliberation-roles.ts';
import { assertInScope, communityScope } from './deliberation-scope.ts';

/** Takes a collected topic (one recorded outside screening) into screening, within the actor's communities. */
export async function startScreening(ctx: Ctx, input: { topicId: string; note?: string }): Promise<Topic> {
  requireRole(ctx, DELIBERATION_MANAGER_ROLES);
  const topic = await findTopic(ctx.db, input.topicId);
  if (!topic) throw topicNotFound();
  assertInScope(await communityScope(ctx), topic.communityId);
  return (await screenTopic(ctx, { topicId: topic.id, ...(input.note ? { note: input.note } : {}) })).topic;
}
