import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { communities, streets } from '../db/schema.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { listTopics } from './list-topics.ts';
import { createTopicInStatus } from './topic-fixtures.ts';
import type { Topic } from './topic-lifecycle.ts';

let database: TestDatabase;
let east: string;
let west: string;
const made: Record<string, Topic> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  const [street] = await database.db
    .insert(streets)
    .values({ code: 'S-list', name: { 'zh-CN': '和平街道' } })
    .returning();
  const rows = await database.db
    .insert(communities)
    .values([
      { streetId: street!.id, code: 'C-east', name: { 'zh-CN': '东苑社区' } },
      { streetId: street!.id, code: 'C-west', name: { 'zh-CN': '西苑社区' } },
    ])
    .returning();
  east = rows[0]!.id;
  west = rows[1]!.id;
  const ctx = createTestCtx(database.db, { now: '2026-03-02T02:00:00Z' });
  made.eastPublished = await createTopicInStatus(ctx, 'published', { communityId: east });
  made.westCollecting = await createTopicInStatus(ctx, 'collecting', { communityId: west });
  made.eastRejected = await createTopicInStatus(ctx, 'rejected', { communityId: east });
  made.streetWide = await createTopicInStatus(ctx, 'published');
  made.eastCollecting = await createTopicInStatus(ctx, 'collecting', { communityId: east });
});

afterAll(async () => {
  await database?.close();
});

const codes = (topics: Topic[]) => topics.map((t) => t.code);

describe('listing topics', () => {
  it('lists every topic in number order', async () => {
    const all = await listTopics(createTestCtx(database.db));
    expect(codes(all)).toEqual(
      codes([
        made.eastPublished!,
        made.westCollecting!,
        made.eastRejected!,
        made.streetWide!,
        made.eastCollecting!,
      ]),
    );
    expect(all.map((t) => t.number)).toEqual([...all.map((t) => t.number)].sort((a, b) => a - b));
  });

  it('filters by a list of statuses', async () => {
    const open = await listTopics(createTestCtx(database.db), { statuses: ['collecting', 'published'] });
    expect(codes(open)).toEqual(
      codes([made.eastPublished!, made.westCollecting!, made.streetWide!, made.eastCollecting!]),
    );
    expect(await listTopics(createTestCtx(database.db), { statuses: [] })).toEqual([]);
  });

  it('filters by community, alone or with statuses', async () => {
    const ctx = createTestCtx(database.db);
    expect(codes(await listTopics(ctx, { communityId: east }))).toEqual(
      codes([made.eastPublished!, made.eastRejected!, made.eastCollecting!]),
    );
    expect(codes(await listTopics(ctx, { communityId: east, statuses: ['collecting'] }))).toEqual(
      codes([made.eastCollecting!]),
    );
    expect(codes(await listTopics(ctx, { communityId: west, statuses: ['published'] }))).toEqual([]);
    expect(await listTopics(ctx, { communityId: 'nowhere' })).toEqual([]);
  });

  it('pages with limit and offset', async () => {
    const ctx = createTestCtx(database.db);
    const page = await listTopics(ctx, { limit: 2, offset: 1 });
    expect(codes(page)).toEqual(codes([made.westCollecting!, made.eastRejected!]));
  });

  it('refuses an unknown status as a field problem', async () => {
    await expect(
      listTopics(createTestCtx(database.db), { statuses: ['archived' as 'closed'] }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      fields: [{ field: 'statuses.0', key: 'topics:validation.invalidChoice' }],
    });
  });
});
