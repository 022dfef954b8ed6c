import { randomUUID } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../core/errors.ts';
import { auditLog, communities, streets, topics, topicTransitions } from '../db/schema.ts';
import { verifyAuditChain } from '../staff/verify-audit-chain.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { createTopic } from './create-topic.ts';
import { SAMPLE_TOPIC } from './topic-fixtures.ts';

let database: TestDatabase;
let communityId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const [street] = await database.db
    .insert(streets)
    .values({ code: 'S-create', name: { 'zh-CN': '和平街道' } })
    .returning();
  const [community] = await database.db
    .insert(communities)
    .values({ streetId: street!.id, code: 'C-create', name: { 'zh-CN': '幸福社区' } })
    .returning();
  communityId = community!.id;
});

afterAll(async () => {
  await database?.close();
});

async function validationError(input: unknown): Promise<ServiceError> {
  const ctx = createTestCtx(database.db);
  const error = await createTopic(ctx, input as Parameters<typeof createTopic>[1]).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ServiceError);
  expect((error as ServiceError).code).toBe('validation_failed');
  expect((error as ServiceError).messageKey).toBe('topics:errors.invalidInput');
  return error as ServiceError;
}

describe('creating a topic', () => {
  it('stores it in collecting with trimmed text per locale, numbered and audited', async () => {
    const ctx = createTestCtx(database.db, { now: '2026-04-01T02:00:00Z' });
    const { topic } = await createTopic(ctx, {
      title: { 'zh-CN': '  小区停车难  ', 'zh-HK': '屋苑泊車難', en: '' },
      summary: { 'zh-CN': '晚上车位不够。' },
      source: 'online',
      communityId,
    });
    expect(topic).toMatchObject({
      status: 'collecting',
      title: { 'zh-CN': '小区停车难', 'zh-HK': '屋苑泊車難' },
      summary: { 'zh-CN': '晚上车位不够。' },
      source: 'online',
      communityId,
      createdAt: new Date('2026-04-01T02:00:00Z'),
    });
    expect(topic.title).not.toHaveProperty('en');
    expect(topic.code).toBe(`T${topic.number}`);

    const { topic: second } = await createTopic(ctx, SAMPLE_TOPIC);
    expect(second.number).toBeGreaterThan(topic.number);
    expect(second.communityId).toBeNull();

    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, topic.id))
      .orderBy(desc(auditLog.seq));
    expect(entry).toMatchObject({
      action: 'topic.create',
      subjectType: 'topic',
      data: { code: topic.code, source: 'online', communityId, status: 'collecting' },
    });
    expect(
      await database.db.select().from(topicTransitions).where(eq(topicTransitions.topicId, topic.id)),
    ).toEqual([]);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('requires a Simplified Chinese title and summary', async () => {
    const error = await validationError({
      title: { en: 'Parking' },
      summary: { 'zh-CN': '   ' },
      source: 'online',
    });
    expect(error.fields).toEqual([
      { field: 'title.zh-CN', key: 'topics:validation.required' },
      { field: 'summary.zh-CN', key: 'topics:validation.required' },
    ]);
  });

  it('limits the length of titles and summaries', async () => {
    const error = await validationError({
      title: { 'zh-CN': '题'.repeat(121) },
      summary: { 'zh-CN': '好', en: 'x'.repeat(2001) },
      source: 'online',
    });
    expect(error.fields).toEqual([
      { field: 'title.zh-CN', key: 'topics:validation.tooLong', params: { max: 120 } },
      { field: 'summary.en', key: 'topics:validation.tooLong', params: { max: 2000 } },
    ]);
  });

  it('accepts only the three sources (and resident recommendations)', async () => {
    const error = await validationError({ ...SAMPLE_TOPIC, source: 'rumour' });
    expect(error.fields).toEqual([{ field: 'source', key: 'topics:validation.invalidChoice' }]);
    const missing = await validationError({ title: SAMPLE_TOPIC.title, summary: SAMPLE_TOPIC.summary });
    expect(missing.fields).toEqual([{ field: 'source', key: 'topics:validation.required' }]);
  });

  it('refuses a community that does not exist, and stores nothing', async () => {
    const [before] = await database.db.select({ n: topics.number }).from(topics).orderBy(desc(topics.number));
    for (const unknown of [randomUUID(), 'not-a-uuid']) {
      const error = await validationError({ ...SAMPLE_TOPIC, communityId: unknown });
      expect(error.fields).toEqual([{ field: 'communityId', key: 'topics:validation.unknownCommunity' }]);
    }
    const [after] = await database.db.select({ n: topics.number }).from(topics).orderBy(desc(topics.number));
    expect(after).toEqual(before);
  });
});
