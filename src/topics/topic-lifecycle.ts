/**
 * The life of a topic: collected, screened, published (公示), deliberated, result published, implemented,
 * evaluated, closed; or rejected, with a reason, at any point before a result exists.
 */
import { TOPIC_STATUSES, type TopicStatus, type topics, type topicTransitions } from '../db/schema.ts';

export type Topic = typeof topics.$inferSelect;
export type TopicTransition = typeof topicTransitions.$inferSelect;

/** Statuses a topic may still be rejected from: once a deliberation produced a result, it is carried out. */
export const REJECTABLE_STATUSES = ['collecting', 'screening', 'published', 'deliberating'] as const;

const FORWARD: Record<TopicStatus, TopicStatus | undefined> = {
  collecting: 'screening',
  screening: 'published',
  published: 'deliberating',
  deliberating: 'result_published',
  result_published: 'implementing',
  implementing: 'evaluating',
  evaluating: 'closed',
  closed: undefined,
  rejected: undefined,
};

const NEXT: Record<TopicStatus, readonly TopicStatus[]> = Object.fromEntries(
  TOPIC_STATUSES.map((status) => {
    const next: TopicStatus[] = [];
    const forward = FORWARD[status];
    if (forward) next.push(forward);
    if ((REJECTABLE_STATUSES as readonly TopicStatus[]).includes(status)) next.push('rejected');
    return [status, Object.freeze(next)];
  }),
) as Record<TopicStatus, readonly TopicStatus[]>;

/** Whether a topic in status `from` may move to `to`. */
export function canTransition(from: TopicStatus, to: TopicStatus): boolean {
  return NEXT[from].includes(to);
}

/** The statuses a topic in status `from` may move to, the regular next step first. */
export function allowedNext(from: TopicStatus): readonly TopicStatus[] {
  return NEXT[from];
}

/** Whether nothing more can happen to a topic in this status. */
export function isFinalStatus(status: TopicStatus): boolean {
  return NEXT[status].length === 0;
}
