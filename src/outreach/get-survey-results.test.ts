import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaigns, type DeliveryStatus, deliveries } from '../db/schema.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { getSurveyResults, type SurveyResults } from './get-survey-results.ts';
import { insertParticipation, insertResidents, insertSurvey, insertTopic } from './outreach-test-kit.ts';

let database: TestDatabase;
let results: SurveyResults;
let s1: string;
let s2: string;
let t1: string;
let t2: string;

/** A survey campaign with one delivery per status given. */
async function campaignFor(surveyId: string, statuses: DeliveryStatus[]) {
  const ctx = createTestCtx(database.db);
  const residentIds = await insertResidents(
    ctx,
    statuses.map(() => ({})),
  );
  const [campaign] = await database.db
    .insert(campaigns)
    .values({ kind: 'survey', name: '调查', surveyId, audience: {}, templates: { 'zh-CN': '请评价' } })
    .returning();
  await database.db.insert(deliveries).values(
    statuses.map((status, i) => ({
      campaignId: campaign?.id,
      channel: 'sms' as const,
      residentId: residentIds[i] ?? '',
      locale: 'zh-CN' as const,
      body: '请评价',
      status,
      purpose: `results:${randomUUID()}`,
    })),
  );
  return residentIds;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  t1 = (await insertTopic(db)).id;
  t2 = (await insertTopic(db)).id;
  const first = await insertSurvey(db, {
    topicId: t1,
    department: '住建办',
    kinds: ['satisfaction', 'text'],
  });
  const second = await insertSurvey(db, { topicId: t2, department: '住建办', kinds: ['satisfaction'] });
  await insertSurvey(db, { topicId: t2, department: '城管办', kinds: ['satisfaction'] });
  s1 = first.survey.id;
  s2 = second.survey.id;

  // Survey 1: 10 sent or delivered, 1 failed, 1 undelivered → 10 count as sent.
  const r1 = await campaignFor(s1, [
    ...Array<DeliveryStatus>(8).fill('delivered'),
    'sent',
    'sent',
    'failed',
    'undelivered',
  ]);
  const q1 = first.questions[0]?.id ?? '';
  const q2 = first.questions[1]?.id ?? '';
  const answer = (
    residentId: string | undefined,
    questionId: string,
    value: string,
    surveyId = s1,
    topicId = t1,
  ) =>
    insertParticipation(db, {
      residentId: residentId ?? '',
      topicId,
      how: 'answer',
      surveyId,
      questionId,
      answer: value,
    });
  // Eight respondents: six levels (one given as the bare key 5), one skip, one only a comment.
  await answer(r1[0], q1, 'very_satisfied');
  await answer(r1[0], q2, '电梯很好');
  await answer(r1[1], q1, 'very_satisfied');
  await answer(r1[2], q1, 'satisfied');
  await answer(r1[3], q1, 'basically_satisfied');
  await answer(r1[4], q1, 'dissatisfied');
  await answer(r1[5], q1, '5');
  await answer(r1[6], q1, 'skipped');
  await answer(r1[7], q2, '噪音太大');

  // Survey 2: 5 delivered, 4 respondents: 3 satisfied, 1 dissatisfied.
  const r2 = await campaignFor(s2, Array<DeliveryStatus>(5).fill('delivered'));
  const q = second.questions[0]?.id ?? '';
  for (const [i, value] of ['satisfied', 'satisfied', 'satisfied', 'dissatisfied'].entries()) {
    await answer(r2[i], q, value, s2, t2);
  }
  results = await getSurveyResults(createTestCtx(db));
});

afterAll(async () => {
  await database.close();
});

describe('getSurveyResults', () => {
  it('counts the answers of each question by level, and computes the rates of one survey by hand', () => {
    const one = results.surveys.find((s) => s.survey.id === s1);
    expect(one?.questions[0]?.counts).toEqual({
      very_satisfied: 2,
      satisfied: 1,
      basically_satisfied: 1,
      dissatisfied: 1,
      very_dissatisfied: 1,
      skipped: 1,
    });
    expect(one?.questions[0]?.answers).toBe(7);
    expect(one?.questions[1]?.counts).toEqual({ text: 2 });
    // 2 + 1 + 1 satisfied out of 6 answers naming a level (the skip is no opinion).
    expect(one?.satisfaction).toMatchObject({ answers: 6, satisfied: 4 });
    expect(one?.satisfaction.rate).toBeCloseTo(4 / 6, 10);
    // 8 respondents of 10 messages sent (failed and undelivered do not count as sent).
    expect(one).toMatchObject({ deliveriesSent: 10, respondents: 8, responseRate: 0.8 });
  });

  it('sums per topic and per responsible department', () => {
    expect(results.byTopic.find((g) => g.topicId === t1)?.satisfaction.rate).toBeCloseTo(4 / 6, 10);
    const topic2 = results.byTopic.find((g) => g.topicId === t2);
    expect(topic2).toMatchObject({ deliveriesSent: 5, respondents: 4, responseRate: 0.8 });
    expect(topic2?.satisfaction).toMatchObject({ answers: 4, satisfied: 3, rate: 0.75 });

    const housing = results.byDepartment.find((g) => g.department === '住建办');
    // (2 very + 4 satisfied + 1 basically) / 10 answers; 12 respondents / 15 sent.
    expect(housing?.satisfaction).toMatchObject({
      counts: {
        very_satisfied: 2,
        satisfied: 4,
        basically_satisfied: 1,
        dissatisfied: 2,
        very_dissatisfied: 1,
      },
      answers: 10,
      satisfied: 7,
      rate: 0.7,
    });
    expect(housing).toMatchObject({ deliveriesSent: 15, respondents: 12, responseRate: 0.8 });
    expect(results.byDepartment.find((g) => g.department === '城管办')).toMatchObject({
      deliveriesSent: 0,
      respondents: 0,
      responseRate: null,
      satisfaction: { answers: 0, rate: null },
    });
  });

  it('narrows to one survey, topic or department', async () => {
    const ctx = createTestCtx(database.db);
    expect((await getSurveyResults(ctx, { surveyId: s2 })).surveys.map((s) => s.survey.id)).toEqual([s2]);
    expect((await getSurveyResults(ctx, { topicId: t2 })).surveys).toHaveLength(2);
    expect((await getSurveyResults(ctx, { department: '住建办' })).surveys).toHaveLength(2);
  });

  it('is for staff who follow the results, not for grid workers', async () => {
    const grid = createTestCtx(database.db, {
      actor: { type: 'staff', staffId: randomUUID(), roles: ['grid_worker'] },
    });
    await expect(getSurveyResults(grid)).rejects.toMatchObject({ code: 'forbidden' });
  });
});
