/**
 * The mechanics every lifecycle verb shares: one transaction that checks the table, applies a guarded
 * status update, records the transition and appends the audit entry.
 */
import { and, eq } from 'drizzle-orm';
import type { Actor } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import type { DbOrTx } from '../db/database.ts';
import { type TopicStatus, topics, topicTransitions } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { isUuid } from './topic-input.ts';
import { canTransition, type Topic } from './topic-lifecycle.ts';

/** Columns a step may set besides status and updatedAt. */
export type TopicChanges = Partial<
  Pick<
    typeof topics.$inferInsert,
    | 'screenedAt'
    | 'publishedAt'
    | 'publicationEndsOn'
    | 'deliberationEarliestOn'
    | 'deliberatedAt'
    | 'resultDueOn'
    | 'resultPublishedAt'
    | 'implementingAt'
    | 'evaluatingAt'
    | 'closedAt'
    | 'rejectedAt'
    | 'rejectReason'
  >
>;

export interface TransitionPlan {
  set: TopicChanges;
  /** Extra facts for the audit entry (dates computed, lateness). */
  audit?: Record<string, unknown>;
}

export interface TransitionSpec {
  topicId: string;
  to: TopicStatus;
  /** Audit action, e.g. `topic.publish`. */
  action: string;
  note?: string | undefined;
  /** Rules beyond the table (may throw a ServiceError) and the columns this step sets. */
  plan(topic: Topic, now: Date): TransitionPlan;
}

/** Topics are run by staff (or the system on their behalf); residents and proxies take part, not steer. */
export function assertMayManageTopics(actor: Actor): void {
  switch (actor.type) {
    case 'staff':
    case 'system':
      return;
    case 'resident':
    case 'proxy':
      throw new ServiceError('forbidden', 'topics:errors.forbidden');
  }
}

export function illegalTransition(from: TopicStatus, to: TopicStatus): ServiceError {
  return new ServiceError('illegal_transition', 'topics:errors.illegalTransition', { params: { from, to } });
}

export function topicNotFound(): ServiceError {
  return new ServiceError('not_found', 'topics:errors.notFound');
}

/** The topic, or undefined when the id names none. */
export async function findTopic(db: DbOrTx, topicId: string): Promise<Topic | undefined> {
  if (!isUuid(topicId)) return undefined;
  const [topic] = await db.select().from(topics).where(eq(topics.id, topicId)).limit(1);
  return topic;
}

/** Moves a topic one step along its lifecycle in one transaction; returns the updated topic. */
export async function applyTransition(
  ctx: Ctx,
  spec: TransitionSpec,
): Promise<{ topic: Topic; audit: Record<string, unknown> }> {
  assertMayManageTopics(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const topic = await findTopic(tx, spec.topicId);
    if (!topic) throw topicNotFound();
    const from = topic.status;
    if (!canTransition(from, spec.to)) throw illegalTransition(from, spec.to);
    const now = ctx.clock.now();
    const { set, audit = {} } = spec.plan(topic, now);
    // The status in the WHERE clause is the guard: of two concurrent transitions from the same status,
    // the second finds no row to update once the first has committed.
    const [updated] = await tx
      .update(topics)
      .set({ ...set, status: spec.to, updatedAt: now })
      .where(and(eq(topics.id, topic.id), eq(topics.status, from)))
      .returning();
    if (!updated) {
      const current = await findTopic(tx, topic.id);
      if (!current) throw topicNotFound();
      if (!canTransition(current.status, spec.to)) throw illegalTransition(current.status, spec.to);
      throw new ServiceError('conflict', 'topics:errors.changedMeanwhile');
    }
    await tx.insert(topicTransitions).values({
      topicId: topic.id,
      fromStatus: from,
      toStatus: spec.to,
      at: now,
      actor: ctx.actor,
      note: spec.note ?? null,
    });
    const auditData = {
      code: topic.code,
      from,
      to: spec.to,
      ...audit,
      ...(spec.note ? { note: spec.note } : {}),
    };
    await appendAudit(withDb(ctx, tx), {
      action: spec.action,
      subjectType: 'topic',
      subjectId: topic.id,
      data: auditData,
    });
    return { topic: updated, audit: auditData };
  });
}
