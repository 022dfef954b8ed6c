import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../core/errors.ts';
import { topics, topicTransitions } from '../db/schema.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { publishResult } from './publish-result.ts';
import { publishTopic } from './publish-topic.ts';
import { startDeliberation } from './start-deliberation.ts';
import { createTopicInStatus } from './topic-fixtures.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

/** A screened topic, with the clock at `now`, ready to publish. */
async function screenedAt(now: string) {
  const ctx = createTestCtx(database.db, { now });
  const topic = await createTopicInStatus(ctx, 'screening');
  return { ctx, topic };
}

async function transitionsOf(topicId: string): Promise<number> {
  const [row] = await database.db
    .select({ n: count() })
    .from(topicTransitions)
    .where(eq(topicTransitions.topicId, topicId));
  return row!.n;
}

describe('publication period', () => {
  it('spans the 2026 National Day holiday: skips 1–7 October and counts the make-up Saturday', async () => {
    // Tuesday 29 September 2026, 10:00 in Shanghai.
    const { ctx, topic } = await screenedAt('2026-09-29T02:00:00Z');
    const { topic: published, calendarCovered } = await publishTopic(ctx, { topicId: topic.id });
    // Working days after the 29th: 30 Sep, 8, 9, 10 (Saturday, make-up), 12, 13, 14 Oct.
    expect(published.publicationEndsOn).toBe('2026-10-14');
    expect(published.deliberationEarliestOn).toBe('2026-10-15');
    expect(calendarCovered).toBe(true);
  });

  it('spans the 2026 Spring Festival, counting both make-up Saturdays', async () => {
    // Thursday 12 February 2026; the holiday runs 15–23 February, 14 and 28 February are working Saturdays.
    const { ctx, topic } = await screenedAt('2026-02-12T01:00:00Z');
    const { topic: published } = await publishTopic(ctx, { topicId: topic.id });
    expect(published.publicationEndsOn).toBe('2026-02-28');
    expect(published.deliberationEarliestOn).toBe('2026-03-02');
  });

  it('counts from the day in Shanghai when it is still the previous evening in UTC', async () => {
    // 17:30 UTC on Sunday 1 March is 01:30 on Monday 2 March in Shanghai.
    const { ctx, topic } = await screenedAt('2026-03-01T17:30:00Z');
    const { topic: published } = await publishTopic(ctx, { topicId: topic.id });
    expect(published.publishedAt).toEqual(new Date('2026-03-01T17:30:00Z'));
    // Counting from Sunday 1 March would have ended on the 10th.
    expect(published.publicationEndsOn).toBe('2026-03-11');
    expect(published.deliberationEarliestOn).toBe('2026-03-12');
  });

  it('counts in the time zone it is given', async () => {
    const { ctx, topic } = await screenedAt('2026-03-01T17:30:00Z');
    const { topic: published } = await publishTopic(ctx, { topicId: topic.id, timeZone: 'UTC' });
    expect(published.publicationEndsOn).toBe('2026-03-10');
  });

  it('refuses an unknown time zone as a field problem', async () => {
    const { ctx, topic } = await screenedAt('2026-03-02T02:00:00Z');
    const error = await publishTopic(ctx, { topicId: topic.id, timeZone: 'Mars/Olympus' }).catch((e) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      code: 'validation_failed',
      fields: [{ field: 'timeZone', key: 'topics:validation.timeZone' }],
    });
    const [unchanged] = await database.db.select().from(topics).where(eq(topics.id, topic.id));
    expect(unchanged!.status).toBe('screening');
  });

  it('says when the official calendar does not cover the dates yet', async () => {
    const { ctx, topic } = await screenedAt('2035-03-05T02:00:00Z');
    const { topic: published, calendarCovered } = await publishTopic(ctx, { topicId: topic.id });
    expect(calendarCovered).toBe(false);
    // Weekends alone: Monday 5 March 2035 + 7 working days.
    expect(published.publicationEndsOn).toBe('2035-03-14');
  });
});

describe('start of deliberation', () => {
  it('is refused until the publication period is over, and accepted on the earliest day', async () => {
    const { ctx, topic } = await screenedAt('2026-09-29T02:00:00Z');
    await publishTopic(ctx, { topicId: topic.id });

    // 23:59 on 14 October in Shanghai: the last day of publication.
    ctx.clock.set('2026-10-14T15:59:00Z');
    const error = await startDeliberation(ctx, { topicId: topic.id }).catch((e) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      code: 'illegal_transition',
      messageKey: 'topics:errors.publicationNotOver',
      params: { earliest: '2026-10-15', today: '2026-10-14', from: 'published', to: 'deliberating' },
    });
    const [still] = await database.db.select().from(topics).where(eq(topics.id, topic.id));
    expect(still).toMatchObject({ status: 'published', deliberatedAt: null, resultDueOn: null });
    expect(await transitionsOf(topic.id)).toBe(2);

    // Midnight on 15 October in Shanghai.
    ctx.clock.set('2026-10-14T16:00:00Z');
    const { topic: deliberating, calendarCovered } = await startDeliberation(ctx, { topicId: topic.id });
    expect(deliberating).toMatchObject({
      status: 'deliberating',
      deliberatedAt: new Date('2026-10-14T16:00:00Z'),
      // 16, 19, 20, 21, 22, 23, 26 October.
      resultDueOn: '2026-10-26',
    });
    expect(calendarCovered).toBe(true);
    expect(await transitionsOf(topic.id)).toBe(3);
  });

  it('is refused during the publication period even on a working day right after publishing', async () => {
    const { ctx, topic } = await screenedAt('2026-03-02T02:00:00Z');
    await publishTopic(ctx, { topicId: topic.id });
    ctx.clock.set('2026-03-03T02:00:00Z');
    await expect(startDeliberation(ctx, { topicId: topic.id })).rejects.toMatchObject({
      messageKey: 'topics:errors.publicationNotOver',
    });
  });

  it('sets a result deadline that skips the National Day holiday', async () => {
    // Published Monday 14 September: ends 22 September (Sunday 20th is a make-up day).
    const { ctx, topic } = await screenedAt('2026-09-14T02:00:00Z');
    const { topic: published } = await publishTopic(ctx, { topicId: topic.id });
    expect(published.publicationEndsOn).toBe('2026-09-22');
    ctx.clock.set('2026-09-30T02:00:00Z');
    const { topic: deliberating } = await startDeliberation(ctx, { topicId: topic.id });
    // 8, 9, 10 (Saturday, make-up), 12, 13, 14, 15 October.
    expect(deliberating.resultDueOn).toBe('2026-10-15');
  });
});

describe('result publication', () => {
  it('is on time on the due date in Shanghai and late the day after', async () => {
    const onTime = await createTopicInStatus(
      createTestCtx(database.db, { now: '2026-09-14T02:00:00Z' }),
      'screening',
    );
    const late = await createTopicInStatus(
      createTestCtx(database.db, { now: '2026-09-14T02:00:00Z' }),
      'screening',
    );
    for (const topic of [onTime, late]) {
      const ctx = createTestCtx(database.db, { now: '2026-09-14T02:00:00Z' });
      await publishTopic(ctx, { topicId: topic.id });
      ctx.clock.set('2026-09-30T02:00:00Z');
      await startDeliberation(ctx, { topicId: topic.id });
    }
    // 23:30 on 15 October in Shanghai, the due date.
    const first = await publishResult(createTestCtx(database.db, { now: '2026-10-15T15:30:00Z' }), {
      topicId: onTime.id,
    });
    expect(first.onTime).toBe(true);
    expect(first.topic.resultPublishedAt).toEqual(new Date('2026-10-15T15:30:00Z'));
    // 00:30 on 16 October in Shanghai: still accepted, recorded as late.
    const second = await publishResult(createTestCtx(database.db, { now: '2026-10-15T16:30:00Z' }), {
      topicId: late.id,
    });
    expect(second.onTime).toBe(false);
    expect(second.topic.status).toBe('result_published');
  });
});
