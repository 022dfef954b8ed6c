import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createCampaign } from '../../src/outreach/create-campaign.ts';
import {
  insertParticipation,
  insertResidents,
  insertSurvey,
  insertTopic,
  testOutreachEnv,
} from '../../src/outreach/outreach-test-kit.ts';
import { planCampaign } from '../../src/outreach/plan-campaign.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { depsCtx, makeStaff, signInDirectly } from './console-test-kit.ts';

let database: TestDatabase;
let deps: TestAppDeps;
let app: ReturnType<typeof createApp>;
const json = { accept: 'application/json' };

beforeAll(async () => {
  database = await createTestDatabase();
  deps = createTestAppDeps(database);
  app = createApp(deps);
});
afterAll(async () => {
  await deps.close();
  await database.close();
});

async function as(role: 'supervisor' | 'grid_worker' | 'department_liaison') {
  const member = await makeStaff(deps, [role]);
  return { ...json, cookie: (await signInDirectly(deps, member.id)).cookie };
}

describe('campaigns API', () => {
  it('shows a supervisor the progress of a campaign by its code, as JSON', async () => {
    const ctx = depsCtx(deps);
    const ids = await insertResidents(ctx, [{}, {}, {}]);
    const env = testOutreachEnv({ senders: {} });
    const { campaign } = await createCampaign(
      ctx,
      { kind: 'notice', name: '通知', audience: { residentIds: ids }, templates: { 'zh-CN': '周五开会' } },
      env,
    );
    await planCampaign(ctx, { campaign: campaign.id }, env);
    const res = await app.request(`/api/staff/campaigns/${campaign.code}/progress`, {
      headers: await as('supervisor'),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      campaign: { id: campaign.id, code: campaign.code, status: 'planned' },
      total: 3,
      pending: 0,
      counts: { held_no_credentials: 3 },
    });
  });

  it('previews the audience and segment count', async () => {
    const ctx = depsCtx(deps);
    const ids = await insertResidents(ctx, [{}, { preferredLocale: 'en' }]);
    const { campaign } = await createCampaign(
      ctx,
      {
        kind: 'notice',
        name: '预览',
        audience: { residentIds: ids },
        templates: { 'zh-CN': '周五开会', en: 'Meeting on Friday' },
      },
      testOutreachEnv(),
    );
    const res = await app.request(`/api/staff/campaigns/${campaign.id}/preview`, {
      headers: await as('supervisor'),
    });
    const body = await res.json();
    expect(body).toMatchObject({ audienceSize: 2, maxSegments: 1 });
    expect(
      body.messages.map((m: { locale: string; recipients: number }) => [m.locale, m.recipients]),
    ).toEqual([
      ['zh-CN', 1],
      ['en', 1],
    ]);
  });

  it('answers 404 with a request id for an unknown campaign, and 403 for a grid worker', async () => {
    const missing = await app.request('/api/staff/campaigns/C999999/progress', {
      headers: await as('supervisor'),
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      error: { code: 'not_found', requestId: expect.any(String) },
    });
    const refused = await app.request('/api/staff/campaigns/C1/progress', {
      headers: await as('grid_worker'),
    });
    expect(refused.status).toBe(403);
  });

  it('gives a department liaison the results of a survey', async () => {
    const topic = await insertTopic(database.db);
    const { survey, questions } = await insertSurvey(database.db, {
      topicId: topic.id,
      department: '住建办',
    });
    const [resident] = await insertResidents(depsCtx(deps), [{}]);
    await insertParticipation(database.db, {
      residentId: resident ?? '',
      topicId: topic.id,
      how: 'answer',
      surveyId: survey.id,
      questionId: questions[0]?.id ?? '',
      answer: 'basically_satisfied',
    });
    const res = await app.request(`/api/staff/surveys/${survey.id}/results`, {
      headers: await as('department_liaison'),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      surveys: [{ survey: { id: survey.id }, satisfaction: { answers: 1, satisfied: 1, rate: 1 } }],
      byDepartment: [{ department: '住建办' }],
    });
    const unknown = await app.request('/api/staff/surveys/00000000-0000-4000-8000-000000000000/results', {
      headers: await as('department_liaison'),
    });
    expect(unknown.status).toBe(404);
  });
});
