import type { ZodType, z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import type { Tx } from '../db/database.ts';
import { requireRole } from '../staff/require-role.ts';
import { findTopic, topicNotFound } from '../topics/apply-transition.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import type { Topic } from '../topics/topic-lifecycle.ts';
import { DELIBERATION_MANAGER_ROLES } from './deliberation-roles.ts';
import { assertInScope, type CommunityScope, communityScope } from './deliberation-scope.ts';

export interface ManagedTopic<D> {
  /** The context bound to the transaction, for verbs and audit entries that must commit with the change. */
  txCtx: Ctx;
  tx: Tx;
  topic: Topic;
  scope: CommunityScope;
  data: D;
}

/**
 * Runs a deliberation manager's change to one topic in a transaction: the role is checked and the input
 * parsed before anything is read, and the topic is loaded inside the transaction and refused unless it is
 * within the manager's communities, so the change never acts on a topic someone else may not touch.
 */
export async function changeManagedTopic<S extends ZodType<{ topicId: string }>, R>(
  ctx: Ctx,
  schema: S,
  input: unknown,
  change: (managed: ManagedTopic<z.output<S>>) => Promise<R>,
): Promise<R> {
  requireRole(ctx, DELIBERATION_MANAGER_ROLES);
  const data = parseTopicInput(schema, input);
  const scope = await communityScope(ctx);
  return ctx.db.transaction(async (tx) => {
    const topic = await findTopic(tx, data.topicId);
    if (!topic) throw topicNotFound();
    assertInScope(scope, topic.communityId);
    return change({ txCtx: withDb(ctx, tx), tx, topic, scope, data });
  });
}
