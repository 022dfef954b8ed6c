import { randomUUID } from 'node:crypto';
import { asc, count, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../core/actor.ts';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { auditLog, staff, TOPIC_STATUSES, type TopicStatus, topics, topicTransitions } from '../db/schema.ts';
import { verifyAuditChain } from '../staff/verify-audit-chain.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { closeTopic } from './close-topic.ts';
import { createTopic } from './create-topic.ts';
import { publishResult } from './publish-result.ts';
import { publishTopic } from './publish-topic.ts';
import { rejectTopic } from './reject-topic.ts';
import { screenTopic } from './screen-topic.ts';
import { startDeliberation } from './start-deliberation.ts';
import { startEvaluation } from './start-evaluation.ts';
import { startImplementation } from './start-implementation.ts';
import { createTopicInStatus, SAMPLE_TOPIC } from './topic-fixtures.ts';
import { canTransition } from './topic-lifecycle.ts';

/** The one verb that leads into each status; nothing leads back into `collecting`. */
const VERB_TO: Record<Exclude<TopicStatus, 'collecting'>, (ctx: Ctx, topicId: string) => Promise<unknown>> = {
  screening: (ctx, topicId) => screenTopic(ctx, { topicId }),
  published: (ctx, topicId) => publishTopic(ctx, { topicId }),
  deliberating: (ctx, topicId) => startDeliberation(ctx, { topicId }),
  result_published: (ctx, topicId) => publishResult(ctx, { topicId }),
  implementing: (ctx, topicId) => startImplementation(ctx, { topicId }),
  evaluating: (ctx, topicId) => startEvaluation(ctx, { topicId }),
  closed: (ctx, topicId) => closeTopic(ctx, { topicId }),
  rejected: (ctx, topicId) => rejectTopic(ctx, { topicId, reason: '已由街道统一解决' }),
};

let database: TestDatabase;
let staffActor: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  const [member] = await database.db
    .insert(staff)
    .values({
      username: `secretary-${randomUUID()}`,
      displayName: '王书记',
      passwordHash: 'not-a-real-hash',
      roles: ['community_secretary'],
    })
    .returning();
  staffActor = { type: 'staff', staffId: member!.id, roles: ['community_secretary'] };
});

afterAll(async () => {
  await database?.close();
});

async function snapshot(topicId: string) {
  const [topic] = await database.db.select().from(topics).where(eq(topics.id, topicId));
  const [transitions] = await database.db
    .select({ n: count() })
    .from(topicTransitions)
    .where(eq(topicTransitions.topicId, topicId));
  const [audits] = await database.db.select({ n: count() }).from(auditLog);
  return { topic, transitions: transitions!.n, audits: audits!.n };
}

async function expectServiceError(promise: Promise<unknown>, code: string, messageKey?: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  expect((error as ServiceError).code).toBe(code);
  if (messageKey) expect((error as ServiceError).messageKey).toBe(messageKey);
  return error as ServiceError;
}

describe('a topic through every step', () => {
  it('sets each date, records each transition and audit entry, and keeps the audit chain intact', async () => {
    // Monday 2 March 2026, 10:00 in Shanghai.
    const ctx = createTestCtx(database.db, { actor: staffActor, now: '2026-03-02T02:00:00Z' });
    const { topic: created } = await createTopic(ctx, { ...SAMPLE_TOPIC, source: 'grid_visit' });
    expect(created.status).toBe('collecting');
    expect(created.code).toBe(`T${created.number}`);
    expect(created.createdBy).toBe((staffActor as { staffId: string }).staffId);
    const id = created.id;
    const auditBefore = (await snapshot(id)).audits;

    const step = async <T>(run: () => Promise<T>, to: TopicStatus, action: string): Promise<T> => {
      const before = await snapshot(id);
      const result = await run();
      const after = await snapshot(id);
      expect(after.topic!.status).toBe(to);
      expect(after.topic!.updatedAt).toEqual(ctx.clock.now());
      expect(after.transitions).toBe(before.transitions + 1);
      expect(after.audits).toBe(before.audits + 1);
      const [last] = await database.db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
      expect(last).toMatchObject({ action, subjectType: 'topic', subjectId: id, actorType: 'staff' });
      expect(last!.data).toMatchObject({ from: before.topic!.status, to });
      return result;
    };

    ctx.clock.set('2026-03-02T03:00:00Z');
    const screened = await step(
      () => screenTopic(ctx, { topicId: id, note: '符合议题条件' }),
      'screening',
      'topic.screen',
    );
    expect(screened.topic.screenedAt).toEqual(new Date('2026-03-02T03:00:00Z'));

    ctx.clock.set('2026-03-02T04:00:00Z');
    const published = await step(() => publishTopic(ctx, { topicId: id }), 'published', 'topic.publish');
    expect(published.calendarCovered).toBe(true);
    expect(published.topic).toMatchObject({
      publishedAt: new Date('2026-03-02T04:00:00Z'),
      publicationEndsOn: '2026-03-11',
      deliberationEarliestOn: '2026-03-12',
    });

    ctx.clock.set('2026-03-12T06:00:00Z');
    const deliberating = await step(
      () => startDeliberation(ctx, { topicId: id }),
      'deliberating',
      'topic.start_deliberation',
    );
    expect(deliberating.topic).toMatchObject({
      deliberatedAt: new Date('2026-03-12T06:00:00Z'),
      resultDueOn: '2026-03-23',
    });

    ctx.clock.set('2026-03-20T06:00:00Z');
    const result = await step(
      () => publishResult(ctx, { topicId: id }),
      'result_published',
      'topic.publish_result',
    );
    expect(result.onTime).toBe(true);
    expect(result.topic.resultPublishedAt).toEqual(new Date('2026-03-20T06:00:00Z'));

    ctx.clock.set('2026-03-23T06:00:00Z');
    const implementing = await step(
      () => startImplementation(ctx, { topicId: id }),
      'implementing',
      'topic.start_implementation',
    );
    expect(implementing.topic.implementingAt).toEqual(new Date('2026-03-23T06:00:00Z'));

    ctx.clock.set('2026-06-01T06:00:00Z');
    const evaluating = await step(
      () => startEvaluation(ctx, { topicId: id }),
      'evaluating',
      'topic.start_evaluation',
    );
    expect(evaluating.topic.evaluatingAt).toEqual(new Date('2026-06-01T06:00:00Z'));

    ctx.clock.set('2026-06-15T06:00:00Z');
    const closed = await step(() => closeTopic(ctx, { topicId: id }), 'closed', 'topic.close');
    expect(closed.topic.closedAt).toEqual(new Date('2026-06-15T06:00:00Z'));
    expect(closed.topic.rejectedAt).toBeNull();

    const transitions = await database.db
      .select()
      .from(topicTransitions)
      .where(eq(topicTransitions.topicId, id))
      .orderBy(asc(topicTransitions.id));
    expect(transitions.map((t) => [t.fromStatus, t.toStatus])).toEqual([
      ['collecting', 'screening'],
      ['screening', 'published'],
      ['published', 'deliberating'],
      ['deliberating', 'result_published'],
      ['result_published', 'implementing'],
      ['implementing', 'evaluating'],
      ['evaluating', 'closed'],
    ]);
    expect(transitions[0]).toMatchObject({ note: '符合议题条件', actor: staffActor });
    expect((await snapshot(id)).audits).toBe(auditBefore + 7);

    const chain = await verifyAuditChain(database.db);
    expect(chain).toMatchObject({ ok: true });
  });

  it('records a rejection with its reason', async () => {
    const ctx = createTestCtx(database.db, { actor: staffActor, now: '2026-03-02T02:00:00Z' });
    const topic = await createTopicInStatus(ctx, 'published');
    ctx.clock.set('2026-03-04T02:00:00Z');
    const { topic: rejected } = await rejectTopic(ctx, {
      topicId: topic.id,
      reason: '  与T1重复，合并处理  ',
    });
    expect(rejected).toMatchObject({
      status: 'rejected',
      rejectReason: '与T1重复，合并处理',
      rejectedAt: new Date('2026-03-04T02:00:00Z'),
    });
    const [last] = await database.db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    expect(last).toMatchObject({ action: 'topic.reject', data: { from: 'published', to: 'rejected' } });
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('requires a rejection reason of 1 to 500 characters', async () => {
    const ctx = createTestCtx(database.db, { actor: staffActor });
    const topic = await createTopicInStatus(ctx, 'screening');
    const before = await snapshot(topic.id);
    const blank = await expectServiceError(
      rejectTopic(ctx, { topicId: topic.id, reason: '   ' }),
      'validation_failed',
    );
    expect(blank.fields).toEqual([{ field: 'reason', key: 'topics:validation.required' }]);
    const long = await expectServiceError(
      rejectTopic(ctx, { topicId: topic.id, reason: '长'.repeat(501) }),
      'validation_failed',
    );
    expect(long.fields).toEqual([
      { field: 'reason', key: 'topics:validation.tooLong', params: { max: 500 } },
    ]);
    expect(await snapshot(topic.id)).toEqual(before);
  });
});

describe('illegal transitions', () => {
  it('are all rejected and leave the topic, its timeline and the audit log unchanged', async () => {
    const ctx = createTestCtx(database.db, { actor: staffActor, now: '2026-03-02T02:00:00Z' });
    let checked = 0;
    for (const from of TOPIC_STATUSES) {
      const topic = await createTopicInStatus(ctx, from);
      expect(topic.status).toBe(from);
      for (const to of TOPIC_STATUSES) {
        if (canTransition(from, to) || to === 'collecting') continue;
        const before = await snapshot(topic.id);
        const error = await expectServiceError(
          VERB_TO[to](ctx, topic.id),
          'illegal_transition',
          'topics:errors.illegalTransition',
        );
        expect(error.params).toEqual({ from, to });
        expect(await snapshot(topic.id)).toEqual(before);
        checked += 1;
      }
    }
    // 9 × 8 target statuses reachable by a verb, minus the 11 legal moves.
    expect(checked).toBe(9 * 8 - 11);
  });

  it('has no verb that leads back into collecting', () => {
    expect(Object.keys(VERB_TO)).not.toContain('collecting');
    expect(Object.keys(VERB_TO).sort()).toEqual(TOPIC_STATUSES.filter((s) => s !== 'collecting').sort());
  });

  it('reports an unknown topic as not found', async () => {
    const ctx = createTestCtx(database.db, { actor: staffActor });
    for (const verb of Object.values(VERB_TO)) {
      await expectServiceError(verb(ctx, randomUUID()), 'not_found', 'topics:errors.notFound');
      await expectServiceError(verb(ctx, 'T1'), 'not_found', 'topics:errors.notFound');
    }
  });
});

describe('who may move topics', () => {
  const outsiders: Actor[] = [
    { type: 'resident', via: 'sms', residentId: randomUUID() },
    { type: 'resident', via: 'kiosk' },
    {
      type: 'proxy',
      staffId: randomUUID(),
      residentId: randomUUID(),
      consent: 'verbal',
      visitId: randomUUID(),
    },
  ];

  it.each(outsiders)('refuses a $type actor every transition and creation', async (actor) => {
    const staffCtx = createTestCtx(database.db, { actor: staffActor, now: '2026-03-02T02:00:00Z' });
    const topic = await createTopicInStatus(staffCtx, 'collecting');
    const before = await snapshot(topic.id);
    const ctx = createTestCtx(database.db, { actor, clock: staffCtx.clock });
    await expectServiceError(createTopic(ctx, SAMPLE_TOPIC), 'forbidden', 'topics:errors.forbidden');
    for (const verb of Object.values(VERB_TO)) {
      await expectServiceError(verb(ctx, topic.id), 'forbidden', 'topics:errors.forbidden');
    }
    expect(await snapshot(topic.id)).toEqual(before);
  });

  it('lets the system act, recording it as the actor', async () => {
    const ctx = createTestCtx(database.db, { actor: { type: 'system', job: 'auto-screen' } });
    const topic = await createTopicInStatus(ctx, 'screening');
    expect(topic.createdBy).toBeNull();
    const [transition] = await database.db
      .select()
      .from(topicTransitions)
      .where(eq(topicTransitions.topicId, topic.id));
    expect(transition!.actor).toEqual({ type: 'system', job: 'auto-screen' });
  });
});

describe('concurrent transitions', () => {
  it('apply once when two publications of the same topic race', async () => {
    const ctx = createTestCtx(database.db, { actor: staffActor, now: '2026-03-02T02:00:00Z' });
    for (let round = 0; round < 5; round += 1) {
      const topic = await createTopicInStatus(ctx, 'screening');
      const outcomes = await Promise.allSettled([
        publishTopic(ctx, { topicId: topic.id }),
        publishTopic(ctx, { topicId: topic.id }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const failure = outcomes.find((o) => o.status === 'rejected');
      expect(failure?.reason).toBeInstanceOf(ServiceError);
      expect(failure?.reason).toMatchObject({ code: 'illegal_transition' });
      const published = await database.db
        .select()
        .from(topicTransitions)
        .where(eq(topicTransitions.topicId, topic.id));
      expect(published.filter((t) => t.toStatus === 'published')).toHaveLength(1);
      const audits = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, topic.id));
      expect(audits.filter((a) => a.action === 'topic.publish')).toHaveLength(1);
    }
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('keep the timeline a single chain when a publication races a rejection', async () => {
    const ctx = createTestCtx(database.db, { actor: staffActor, now: '2026-03-02T02:00:00Z' });
    for (let round = 0; round < 5; round += 1) {
      const topic = await createTopicInStatus(ctx, 'screening');
      const outcomes = await Promise.allSettled([
        publishTopic(ctx, { topicId: topic.id }),
        rejectTopic(ctx, { topicId: topic.id, reason: '不属于社区事务' }),
      ]);
      // Run one after the other, both may succeed (published, then rejected); interleaved, the loser
      // must fail rather than apply a move from a status the topic no longer has.
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(['illegal_transition', 'conflict']).toContain((outcome.reason as ServiceError).code);
        }
      }
      const transitions = await database.db
        .select()
        .from(topicTransitions)
        .where(eq(topicTransitions.topicId, topic.id))
        .orderBy(asc(topicTransitions.id));
      expect(transitions.filter((t) => t.fromStatus === 'screening')).toHaveLength(1);
      for (let i = 1; i < transitions.length; i += 1) {
        expect(transitions[i]!.fromStatus).toBe(transitions[i - 1]!.toStatus);
      }
      const { topic: final } = await snapshot(topic.id);
      expect(final!.status).toBe(transitions.at(-1)!.toStatus);
      expect(transitions).toHaveLength(1 + outcomes.filter((o) => o.status === 'fulfilled').length);
    }
  });

  it.skipIf(process.env.TEST_DB !== 'postgres')(
    'do not apply when the status changed between reading and updating (PostgreSQL)',
    async () => {
      const ctx = createTestCtx(database.db, { actor: staffActor, now: '2026-03-02T02:00:00Z' });
      const topic = await createTopicInStatus(ctx, 'screening');
      let releaseOther!: () => void;
      const otherMayCommit = new Promise<void>((resolve) => {
        releaseOther = resolve;
      });
      let otherHasRowLock!: () => void;
      const rowLocked = new Promise<void>((resolve) => {
        otherHasRowLock = resolve;
      });
      // Another session rejects the topic and holds its row lock until told to commit.
      const other = database.db.transaction(async (tx) => {
        await tx.update(topics).set({ status: 'rejected' }).where(eq(topics.id, topic.id));
        otherHasRowLock();
        await otherMayCommit;
      });
      await rowLocked;
      const publishing = publishTopic(ctx, { topicId: topic.id }).then(
        () => undefined,
        (e: unknown) => e,
      );
      // Wait until the publication's guarded update is blocked on the row lock, then let the other commit.
      for (;;) {
        const { rows } = (await database.db.execute(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
        )) as unknown as { rows: { n: number }[] };
        if (rows[0]!.n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      releaseOther();
      await other;
      const error = (await publishing) as ServiceError;
      expect(error).toBeInstanceOf(ServiceError);
      expect(error.code).toBe('illegal_transition');
      expect(error.params).toEqual({ from: 'rejected', to: 'published' });
      const after = await snapshot(topic.id);
      expect(after.topic).toMatchObject({ status: 'rejected', publishedAt: null, publicationEndsOn: null });
      // Only collecting → screening: the other session's raw update wrote no transition of its own.
      expect(after.transitions).toBe(1);
    },
  );
});
