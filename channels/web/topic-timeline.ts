/**
 * A topic's progress as residents follow it: each stage of the process with its real date, whether
 * it is done, happening now or still to come, and any note staff left when moving it on.
 */
import type { TopicStatus } from '../../src/db/schema.ts';
import type { Topic, TopicTransition } from '../../src/topics/topic-lifecycle.ts';

export type StageState = 'done' | 'current' | 'upcoming';

export type StageWhen =
  | { kind: 'on'; date: Date }
  | { kind: 'noticeRange'; from: Date; to: string }
  | { kind: 'noticeUntil'; to: string }
  | { kind: 'notBefore'; date: string }
  | { kind: 'dueBy'; date: string }
  | { kind: 'result'; date: Date; due: string | null; onTime: boolean | null };

export interface TimelineStage {
  stage:
    | 'collected'
    | 'notice'
    | 'deliberation'
    | 'result'
    | 'implementing'
    | 'evaluating'
    | 'closed'
    | 'rejected';
  state: StageState;
  when: StageWhen | undefined;
  note: string | null;
}

const ORDER: TopicStatus[] = [
  'collecting',
  'screening',
  'published',
  'deliberating',
  'result_published',
  'implementing',
  'evaluating',
  'closed',
];

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) an instant falls on in a time zone. */
function dayOf(date: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      timeZone,
    });
    dayFormats.set(timeZone, format);
  }
  return format.format(date);
}

/** The stages of a topic, oldest first, with real dates from the topic and its transitions. */
export function buildTimeline(
  topic: Topic,
  transitions: TopicTransition[],
  timeZone: string,
): TimelineStage[] {
  const reached = (status: TopicStatus) =>
    topic.status !== 'rejected' && ORDER.indexOf(topic.status) >= ORDER.indexOf(status);
  const stateOf = (status: TopicStatus): StageState =>
    topic.status === status ? 'current' : reached(status) ? 'done' : 'upcoming';
  const noteFor = (status: TopicStatus) =>
    transitions.filter((tr) => tr.toStatus === status && tr.note).at(-1)?.note ?? null;

  const stages: TimelineStage[] = [
    { stage: 'collected', state: 'done', when: { kind: 'on', date: topic.createdAt }, note: null },
  ];
  if (topic.status === 'rejected') {
    stages.push({
      stage: 'rejected',
      state: 'done',
      when: topic.rejectedAt ? { kind: 'on', date: topic.rejectedAt } : undefined,
      note: topic.rejectReason ?? noteFor('rejected'),
    });
    return stages;
  }

  const noticeEnd = topic.publicationEndsOn;
  stages.push({
    stage: 'notice',
    state: stateOf('published'),
    when:
      topic.publishedAt && noticeEnd
        ? { kind: 'noticeRange', from: topic.publishedAt, to: noticeEnd }
        : noticeEnd
          ? { kind: 'noticeUntil', to: noticeEnd }
          : undefined,
    note: noteFor('published'),
  });
  stages.push({
    stage: 'deliberation',
    state: stateOf('deliberating'),
    when: topic.deliberatedAt
      ? { kind: 'on', date: topic.deliberatedAt }
      : topic.deliberationEarliestOn
        ? { kind: 'notBefore', date: topic.deliberationEarliestOn }
        : undefined,
    note: noteFor('deliberating'),
  });
  stages.push({
    stage: 'result',
    state: stateOf('result_published'),
    when: topic.resultPublishedAt
      ? {
          kind: 'result',
          date: topic.resultPublishedAt,
          due: topic.resultDueOn,
          onTime: topic.resultDueOn ? dayOf(topic.resultPublishedAt, timeZone) <= topic.resultDueOn : null,
        }
      : topic.resultDueOn
        ? { kind: 'dueBy', date: topic.resultDueOn }
        : undefined,
    note: noteFor('result_published'),
  });
  for (const [stage, status, at] of [
    ['implementing', 'implementing', topic.implementingAt],
    ['evaluating', 'evaluating', topic.evaluatingAt],
    ['closed', 'closed', topic.closedAt],
  ] as const) {
    stages.push({
      stage,
      state: stateOf(status),
      when: at ? { kind: 'on', date: at } : undefined,
      note: noteFor(status),
    });
  }
  // A closed topic has nothing happening "now": its last stage is simply done.
  if (topic.status === 'closed') for (const s of stages) s.state = 'done';
  return stages;
}
