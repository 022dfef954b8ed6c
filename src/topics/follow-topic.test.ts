import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../core/errors.ts';
import { auditLog, residents, topicFollowers, topics } from '../db/schema.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { followTopic } from './follow-topic.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.close();
});

async function fixture(): Promise<{ topicId: string; residentId: string }> {
  const [topic] = await database.db
    .insert(topics)
    .values({
      title: { 'zh-CN': '议题' },
      summary: { 'zh-CN': '内容' },
      source: 'online',
      status: 'published',
    })
    .returning({ id: topics.id });
  const [resident] = await database.db.insert(residents).values({}).returning({ id: residents.id });
  return { topicId: topic!.id, residentId: resident!.id };
}

describe('followTopic', () => {
  it('records the resident as a follower on the chosen channel, with an audit entry', async () => {
    const ctx = createTestCtx(database.db, { actor: { type: 'resident', via: 'web' } });
    const { topicId, residentId } = await fixture();
    expect(await followTopic(ctx, { topicId, residentId, channel: 'sms' })).toEqual({ created: true });
    const rows = await database.db.select().from(topicFollowers).where(eq(topicFollowers.topicId, topicId));
    expect(rows).toEqual([expect.objectContaining({ residentId, channel: 'sms' })]);
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, topicId));
    expect(audit).toEqual([
      expect.objectContaining({ action: 'topic.followed', data: { residentId, channel: 'sms' } }),
    ]);
  });

  it('changes only the channel when followed again, and does nothing when nothing changes', async () => {
    const ctx = createTestCtx(database.db);
    const { topicId, residentId } = await fixture();
    await followTopic(ctx, { topicId, residentId, channel: 'sms' });
    expect(await followTopic(ctx, { topicId, residentId, channel: 'voice' })).toEqual({ created: false });
    expect(await followTopic(ctx, { topicId, residentId, channel: 'voice' })).toEqual({ created: false });
    const rows = await database.db.select().from(topicFollowers).where(eq(topicFollowers.topicId, topicId));
    expect(rows.map((r) => r.channel)).toEqual(['voice']);
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, topicId));
    expect(audit.map((a) => a.action)).toEqual(['topic.followed', 'topic.follow_changed']);
  });

  it('refuses a topic that does not exist', async () => {
    const ctx = createTestCtx(database.db);
    const { residentId } = await fixture();
    await expect(
      followTopic(ctx, { topicId: crypto.randomUUID(), residentId, channel: 'sms' }),
    ).rejects.toBeInstanceOf(ServiceError);
  });
});
