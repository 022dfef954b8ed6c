import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, campaigns, deliveries, staff, surveyQuestions, surveys, topics } from '../db/schema.ts';
import { setChannelOptOut } from '../residents/set-channel-opt-out.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { startEvaluation } from '../topics/start-evaluation.ts';
import { createTopicInStatus } from '../topics/topic-fixtures.ts';
import { insertParticipation, insertResidents } from './outreach-test-kit.ts';
import { evaluationTrigger, startEvaluationSurvey } from './start-evaluation-survey.ts';

let database: TestDatabase;
let staffId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  const [member] = await database.db
    .insert(staff)
    .values({ username: 'secretary', displayName: '书记', passwordHash: 'x', roles: ['community_secretary'] })
    .returning();
  staffId = member?.id ?? '';
});
afterAll(async () => {
  await database.close();
});

const staffCtx = () =>
  createTestCtx(database.db, {
    actor: { type: 'staff', staffId, roles: ['community_secretary'] },
  });

describe('the satisfaction survey when a topic enters evaluation', () => {
  it('goes to everyone who took part, once each, in the same transaction as the transition', async () => {
    const ctx = staffCtx();
    const topic = await createTopicInStatus(ctx, 'implementing');
    const [opined, voted, demanded, answered, both, outsider, optedOut] = await insertResidents(ctx, [
      {},
      { preferredLocale: 'en' },
      {},
      {},
      {},
      {},
      {},
    ]);
    const took = (residentId: string | undefined, how: 'opinion' | 'vote' | 'demand' | 'answer') =>
      insertParticipation(database.db, { residentId: residentId ?? '', topicId: topic.id, how });
    await took(opined, 'opinion');
    await took(voted, 'vote');
    await took(demanded, 'demand');
    await took(answered, 'answer');
    await took(both, 'opinion');
    await took(both, 'vote');
    await took(optedOut, 'opinion');
    await setChannelOptOut(ctx, {
      residentId: optedOut ?? '',
      channel: 'sms',
      optedOut: true,
      reason: 'reply:TD',
    });
    void outsider;

    const { topic: evaluating, evaluationCampaignId } = await startEvaluation(ctx, {
      topicId: topic.id,
      department: '住建办',
    });
    expect(evaluating.status).toBe('evaluating');
    const [campaign] = await database.db
      .select()
      .from(campaigns)
      .where(eq(campaigns.id, evaluationCampaignId ?? ''));
    expect(campaign).toMatchObject({
      kind: 'survey',
      status: 'planned',
      topicId: topic.id,
      trigger: evaluationTrigger(topic.id),
      audience: { participantsOf: [topic.id] },
    });
    const [survey] = await database.db
      .select()
      .from(surveys)
      .where(eq(surveys.id, campaign?.surveyId ?? ''));
    expect(survey).toMatchObject({ topicId: topic.id, department: '住建办' });
    const questions = await database.db
      .select()
      .from(surveyQuestions)
      .where(eq(surveyQuestions.surveyId, survey?.id ?? ''));
    expect(questions).toMatchObject([{ position: 1, kind: 'satisfaction' }]);

    const rows = await database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.campaignId, campaign?.id ?? ''));
    expect(rows.map((r) => r.residentId).sort()).toEqual(
      [opined, voted, demanded, answered, both, optedOut].sort(),
    );
    expect(rows.find((r) => r.residentId === optedOut)?.status).toBe('skipped_opted_out');
    expect(rows.filter((r) => r.status === 'queued')).toHaveLength(5);
    const zh = rows.find((r) => r.residentId === opined)?.body ?? '';
    expect(zh).toMatch(
      new RegExp(`^【民生议事堂】您参与过的议题${topic.code}《老旧小区加装电梯》已办理完成，请评价。`),
    );
    expect(zh).toMatch(/非常满意回1.*退订回TD$/);
    expect(rows.find((r) => r.residentId === voted)?.body).toMatch(
      /^\[Community Deliberation Hall\] T\d+ "Lifts for older blocks"/,
    );

    // One audit entry for the step, naming the survey it started.
    const [last] = await database.db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    expect(last).toMatchObject({ action: 'topic.start_evaluation', actorType: 'staff' });
    expect(last?.data).toMatchObject({ evaluationCampaign: campaign?.code, surveyRecipients: 6 });
  });

  it('starts once per topic, even when asked again', async () => {
    const ctx = staffCtx();
    const topic = await createTopicInStatus(ctx, 'evaluating');
    const [resident] = await insertResidents(ctx, [{}]);
    await insertParticipation(database.db, { residentId: resident ?? '', topicId: topic.id, how: 'opinion' });
    const again = await startEvaluationSurvey(ctx, { topicId: topic.id });
    const third = await startEvaluationSurvey(ctx, { topicId: topic.id });
    expect(again?.created).toBe(false);
    expect(third?.campaign.id).toBe(again?.campaign.id);
    const all = await database.db
      .select()
      .from(campaigns)
      .where(eq(campaigns.trigger, evaluationTrigger(topic.id)));
    expect(all).toHaveLength(1);
    await expect(startEvaluation(ctx, { topicId: topic.id })).rejects.toMatchObject({
      code: 'illegal_transition',
    });
    expect(
      await database.db
        .select()
        .from(campaigns)
        .where(and(eq(campaigns.topicId, topic.id), eq(campaigns.kind, 'survey'))),
    ).toHaveLength(1);
  });

  it('leaves nothing behind when the transition is refused', async () => {
    const ctx = staffCtx();
    const topic = await createTopicInStatus(ctx, 'published');
    await expect(startEvaluation(ctx, { topicId: topic.id })).rejects.toMatchObject({
      code: 'illegal_transition',
    });
    expect(
      await database.db
        .select()
        .from(campaigns)
        .where(eq(campaigns.trigger, evaluationTrigger(topic.id))),
    ).toEqual([]);
    expect(await database.db.select().from(surveys).where(eq(surveys.topicId, topic.id))).toEqual([]);
  });

  it('shortens a long topic title so that the survey still fits in three SMS', async () => {
    const ctx = staffCtx();
    const topic = await createTopicInStatus(ctx, 'implementing');
    // Longer than any staff form allows: the survey must still go out within three segments.
    await database.db
      .update(topics)
      .set({ title: { 'zh-CN': `关于${'小区'.repeat(80)}的改造`, en: `About ${'the estate '.repeat(30)}` } })
      .where(eq(topics.id, topic.id));
    const [resident] = await insertResidents(ctx, [{}]);
    await insertParticipation(database.db, { residentId: resident ?? '', topicId: topic.id, how: 'vote' });
    const { evaluationCampaignId } = await startEvaluation(ctx, { topicId: topic.id });
    const [row] = await database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.campaignId, evaluationCampaignId ?? ''));
    expect(row?.body).toContain('…》');
    expect([...(row?.body ?? '')].length).toBeLessThanOrEqual(3 * 67);
  });
});
