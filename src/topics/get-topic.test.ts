import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { getTopic } from './get-topic.ts';
import { publishTopic } from './publish-topic.ts';
import { screenTopic } from './screen-topic.ts';
import { startDeliberation } from './start-deliberation.ts';
import { createTopicInStatus } from './topic-fixtures.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

describe('getting a topic', () => {
  it('returns the topic with its transitions as a timeline, oldest first', async () => {
    const ctx = createTestCtx(database.db, { now: '2026-03-02T01:00:00Z' });
    const created = await createTopicInStatus(ctx, 'collecting');
    ctx.clock.set('2026-03-02T02:00:00Z');
    await screenTopic(ctx, { topicId: created.id, note: '居民呼声集中' });
    ctx.clock.set('2026-03-02T03:00:00Z');
    await publishTopic(ctx, { topicId: created.id });
    ctx.clock.set('2026-03-12T02:00:00Z');
    await startDeliberation(ctx, { topicId: created.id });

    const { topic, timeline } = await getTopic(ctx, { topicId: created.id });
    expect(topic).toMatchObject({ id: created.id, status: 'deliberating', resultDueOn: '2026-03-23' });
    expect(
      timeline.map((t) => ({ from: t.fromStatus, to: t.toStatus, at: t.at.toISOString(), note: t.note })),
    ).toEqual([
      { from: 'collecting', to: 'screening', at: '2026-03-02T02:00:00.000Z', note: '居民呼声集中' },
      { from: 'screening', to: 'published', at: '2026-03-02T03:00:00.000Z', note: null },
      { from: 'published', to: 'deliberating', at: '2026-03-12T02:00:00.000Z', note: null },
    ]);
    expect(timeline.every((t) => t.topicId === created.id)).toBe(true);
  });

  it('can be read by anyone, including residents following progress', async () => {
    const staffCtx = createTestCtx(database.db);
    const created = await createTopicInStatus(staffCtx, 'screening');
    const residentCtx = createTestCtx(database.db, { actor: { type: 'resident', via: 'sms' } });
    const { topic, timeline } = await getTopic(residentCtx, { topicId: created.id });
    expect(topic.id).toBe(created.id);
    expect(timeline).toHaveLength(1);
  });

  it('reports an unknown or malformed id as not found', async () => {
    const ctx = createTestCtx(database.db);
    await expect(getTopic(ctx, { topicId: randomUUID() })).rejects.toMatchObject({ code: 'not_found' });
    await expect(getTopic(ctx, { topicId: 'T1' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
