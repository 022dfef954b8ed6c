import { describe, expect, it } from 'vitest';
import { TOPIC_STATUSES, type TopicStatus } from '../db/schema.ts';
import { allowedNext, canTransition, isFinalStatus } from './topic-lifecycle.ts';

const EXPECTED: Record<TopicStatus, TopicStatus[]> = {
  collecting: ['screening', 'rejected'],
  screening: ['published', 'rejected'],
  published: ['deliberating', 'rejected'],
  deliberating: ['result_published', 'rejected'],
  result_published: ['implementing'],
  implementing: ['evaluating'],
  evaluating: ['closed'],
  closed: [],
  rejected: [],
};

describe('topic lifecycle table', () => {
  it.each(TOPIC_STATUSES)('allows exactly the expected next steps from %s', (from) => {
    expect([...allowedNext(from)]).toEqual(EXPECTED[from]);
    for (const to of TOPIC_STATUSES) expect(canTransition(from, to)).toBe(EXPECTED[from].includes(to));
  });

  it('never leads back into collecting or to the same status', () => {
    for (const from of TOPIC_STATUSES) {
      expect(canTransition(from, 'collecting')).toBe(false);
      expect(canTransition(from, from)).toBe(false);
    }
  });

  it('allows rejection only before a result exists', () => {
    const rejectable = TOPIC_STATUSES.filter((s) => canTransition(s, 'rejected'));
    expect(rejectable).toEqual(['collecting', 'screening', 'published', 'deliberating']);
  });

  it('treats closed and rejected as final', () => {
    expect(TOPIC_STATUSES.filter(isFinalStatus)).toEqual(['closed', 'rejected']);
  });
});
