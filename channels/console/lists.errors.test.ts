/**
 * Bad input on the lists and balance forms: a clear message in the reader's language next to the
 * field and in the error summary, "Error:" in the title, and everything typed kept.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../src/app.ts';
import { communities } from '../../src/db/schema.ts';
import { contribute, topicWithResult } from '../../src/lists/lists-test-kit.ts';
import { insertResidents, newPlace } from '../../src/outreach/outreach-test-kit.ts';
import type { TestAppDeps } from '../../src/testing/test-app-deps.ts';
import type { TestDatabase } from '../../src/testing/test-database.ts';
import { createTopicInStatus } from '../../src/topics/topic-fixtures.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { depsCtx } from './console-test-kit.ts';
import { listsTestApp, type Member, member } from './lists-test-kit.ts';

let database: TestDatabase;
let deps: TestAppDeps;
let app: ReturnType<typeof createApp>;
let secretary: Member;
let supervisor: Member;
let housing: Member;
let topic: Topic;
let itemId: string;

const ctx = () => ({ ...depsCtx(deps), clock: deps.clock });
const MISSING = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  ({ database, deps, app } = await listsTestApp());
  secretary = await member(app, deps, ['community_secretary']);
  supervisor = await member(app, deps, ['supervisor']);
  housing = await member(app, deps, ['department_liaison'], '区住建局');
  const { community } = await newPlace(database.db);
  await database.db
    .update(communities)
    .set({ profile: { total: 10, elderly: 5 } })
    .where(eq(communities.id, community.id));
  topic = await topicWithResult(ctx(), community.id);
  const res = await secretary.post(`/console/lists/topics/${topic.id}/items`, {
    title: '楼道照明',
    acceptanceCriteria: '灯都亮',
    department: '区住建局',
    deadlineWorkingDays: '5',
  });
  itemId =
    /items\/([0-9a-f-]+)/.exec(await (await secretary.get(res.headers.get('location') ?? '')).text())?.[1] ??
    '';
  const [elderly, other] = await insertResidents(depsCtx(deps), [
    { communityId: community.id, groups: ['elderly'] },
    { communityId: community.id },
  ]);
  await contribute(database.db, { residentId: elderly ?? null, topicId: topic.id, how: 'opinion' });
  await contribute(database.db, { residentId: other ?? null, topicId: topic.id, how: 'opinion' });
});

afterAll(async () => {
  await deps.close();
  await database.close();
});

describe('the new-item form', () => {
  it('names every missing field, keeps what was typed and titles the page "Error:"', async () => {
    const res = await secretary.post(`/console/lists/topics/${topic.id}/items?lang=en`, {
      title: '修缮屋顶',
      acceptanceCriteria: '',
      cooperatingDepartments: ['区住建局'],
      deadlineWorkingDays: 'ten',
    });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toMatch(/<title>Error: Add a responsibility item to T\d+/);
    expect(page).toContain('class="error-summary" role="alert"');
    expect(page).toContain('<a href="#field-acceptanceCriteria">This is required.</a>');
    expect(page).toContain('<a href="#field-department">This is required.</a>');
    expect(page).toContain(
      '<a href="#field-deadlineWorkingDays">Enter the deadline as a whole number of working days, from 1 to 250.</a>',
    );
    expect(page).toContain('value="修缮屋顶"');
    expect(page).toContain('value="ten"');
    expect(page).toMatch(/value="区住建局" checked=""/);
    expect(page).toContain('aria-invalid="true"');
  });

  it('explains when the topic cannot take items yet', async () => {
    const early = await createTopicInStatus(ctx(), 'published');
    const res = await secretary.post(`/console/lists/topics/${early.id}/items`, {
      title: '修缮屋顶',
      acceptanceCriteria: '不漏水',
      department: '区住建局',
      deadlineWorkingDays: '10',
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(`${early.code} 须在成果公示后、进入评价前才能添加责任事项。`);
  });

  it('answers 404 for a topic that does not exist', async () => {
    expect((await secretary.get(`/console/lists/topics/${MISSING}`)).status).toBe(404);
    expect((await secretary.get(`/console/lists/topics/${MISSING}/new`)).status).toBe(404);
    expect((await secretary.get('/console/lists/topics/not-an-id')).status).toBe(404);
  });
});

describe('the progress and completion forms', () => {
  it('refuses a percentage out of range and keeps the note', async () => {
    const res = await housing.post(`/console/lists/items/${itemId}/progress`, {
      note: '已进场施工',
      percent: '120',
    });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('<a href="#field-percent">请填写 0 到 100 的整数，或者留空。</a>');
    expect(page).toContain('已进场施工</textarea>');
    expect(page).toContain('value="120"');
  });

  it('asks how the acceptance criteria were met', async () => {
    const res = await housing.post(`/console/lists/items/${itemId}/completion`, { completionNote: '  ' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<a href="#field-completionNote">此项必填。</a>');
  });

  it('answers 404 for an item that does not exist', async () => {
    expect((await housing.get(`/console/lists/items/${MISSING}`)).status).toBe(404);
    expect((await housing.post(`/console/lists/items/${MISSING}/progress`, { note: 'x' })).status).toBe(404);
  });
});

describe('supervision and exports', () => {
  it('asks the supervisor what they are doing about an escalation', async () => {
    const res = await supervisor.post(`/console/lists/escalations/${MISSING}/acknowledgement`, {
      [`note-${MISSING}`]: '',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(`<a href="#field-note-${MISSING}">此项必填。</a>`);
    const missing = await supervisor.post(`/console/lists/escalations/${MISSING}/acknowledgement`, {
      [`note-${MISSING}`]: '已处理',
    });
    expect(missing.status).toBe(404);
  });

  it('answers 404 for an export that does not exist', async () => {
    const res = await supervisor.get('/console/lists/export/secrets.csv', 'application/json');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('没有这种导出文件。');
  });
});

describe('the balance forms', () => {
  it('refuses to reach a group the topic is not marked as affecting', async () => {
    const res = await secretary.post(`/console/balance/topics/${topic.id}/outreach`, {
      group: 'elderly',
      action: 'visit_list',
      visits: '5',
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('请先把该群体标记为议题涉及的群体。');
  });

  it('refuses a visit count out of range and keeps it in the field', async () => {
    await secretary.post(`/console/balance/topics/${topic.id}/affected-groups`, {
      groups: ['elderly', 'disabled'],
    });
    // Elderly: 1 of 2 heard (50%) against 5 of 10 (50%): heard in proportion. Disabled: no headcount.
    const none = await secretary.post(`/console/balance/topics/${topic.id}/outreach`, {
      group: 'elderly',
      action: 'visit_list',
    });
    expect(none.status).toBe(409);
    expect(await none.text()).toContain('该群体在这个议题上已不再发声不足。');

    await database.db.update(communities).set({ profile: { total: 10, elderly: 8 } });
    const res = await secretary.post(`/console/balance/topics/${topic.id}/outreach`, {
      group: 'elderly',
      action: 'visit_list',
      visits: '900',
    });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('<a href="#field-visits-elderly">请填写户数，1 到 200 的整数。</a>');
    expect(page).toContain('value="900"');
  });

  it('answers 404 for a topic that does not exist', async () => {
    expect((await supervisor.get(`/console/balance/topics/${MISSING}`)).status).toBe(404);
  });
});
