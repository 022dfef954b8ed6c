/**
 * Open data carries no personal data: no resident or staff name, no phone number, no free-text note,
 * no internal topic; and it is read-only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../src/app.ts';
import { acknowledgeEscalation } from '../../src/lists/acknowledge-escalation.ts';
import { completeResponsibilityItem } from '../../src/lists/complete-responsibility-item.ts';
import { createResponsibilityItem } from '../../src/lists/create-responsibility-item.ts';
import { listSupervision } from '../../src/lists/list-supervision.ts';
import { contribute, insertStaff, topicWithResult } from '../../src/lists/lists-test-kit.ts';
import { reportProgress } from '../../src/lists/report-progress.ts';
import { superviseResponsibilityItems } from '../../src/lists/supervise-responsibility-items.ts';
import { insertResidents, newPlace } from '../../src/outreach/outreach-test-kit.ts';
import type { TestAppDeps } from '../../src/testing/test-app-deps.ts';
import type { TestDatabase } from '../../src/testing/test-database.ts';
import { createTopicInStatus } from '../../src/topics/topic-fixtures.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { depsCtx } from '../console/console-test-kit.ts';
import { listsTestApp } from '../console/lists-test-kit.ts';
import { openApiDocument } from './openapi.ts';

let database: TestDatabase;
let deps: TestAppDeps;
let app: ReturnType<typeof createApp>;
let topic: Topic;
let internal: Topic;

const SECRETS = [
  '王秀英',
  '13800138000',
  '8613800138000',
  '只给内部看的进展',
  '内部验收备注',
  '督办内部说明',
  '测试督查员',
  '内部议题标题',
];

const ctx = () => ({ ...depsCtx(deps), clock: deps.clock });

beforeAll(async () => {
  ({ database, deps, app } = await listsTestApp());
  const { community } = await newPlace(database.db);
  topic = await topicWithResult(ctx(), community.id);
  internal = await createTopicInStatus(ctx(), 'screening', {
    title: { 'zh-CN': '内部议题标题' },
    communityId: community.id,
  });
  const [resident] = await insertResidents(depsCtx(deps), [
    { communityId: community.id, name: '王秀英', phone: '+8613800138000', groups: ['elderly'] },
  ]);
  await contribute(database.db, { residentId: resident ?? null, topicId: topic.id, how: 'opinion' });
  await contribute(database.db, { residentId: resident ?? null, topicId: internal.id, how: 'opinion' });
  const liaison = await insertStaff(database.db, ['department_liaison'], {
    department: '区住建局',
    displayName: '测试联络员',
  });
  const supervisor = await insertStaff(database.db, ['supervisor'], { displayName: '测试督查员' });
  deps.clock.set('2026-09-28T02:00:00Z');
  const { item } = await createResponsibilityItem(ctx(), {
    topicId: topic.id,
    title: '楼道照明',
    acceptanceCriteria: '灯都亮',
    department: '区住建局',
    deadlineWorkingDays: 1,
  });
  await reportProgress({ ...ctx(), actor: liaison }, { itemId: item.id, note: '只给内部看的进展' });
  deps.clock.set('2026-10-09T02:00:00Z');
  await superviseResponsibilityItems(
    depsCtx(deps),
    {},
    { i18n: deps.i18n, defaultLocale: 'zh-CN', senders: {} },
  );
  const [flag] = (await listSupervision(depsCtx(deps), {})).open;
  await acknowledgeEscalation(
    { ...ctx(), actor: supervisor },
    { flagId: flag?.id ?? '', note: '督办内部说明' },
  );
  await completeResponsibilityItem({ ...ctx(), actor: liaison }, { itemId: item.id, note: '内部验收备注' });
});

afterAll(async () => {
  await deps.close();
  await database.close();
});

const urls = () => [
  '/api/open/openapi.json',
  '/api/open/kpis',
  '/api/open/kpis?lang=en',
  '/api/open/responsibility-items',
  `/api/open/responsibility-items?topic=${topic.code}`,
  '/api/open/supervision',
  '/api/open/evaluation',
  `/api/open/topics/${topic.code}/participation`,
];

describe('open data', () => {
  it('names no resident or staff member and publishes no note or phone number', async () => {
    for (const url of urls()) {
      const res = await app.request(url);
      expect(res.status, url).toBe(200);
      const body = await res.text();
      for (const secret of SECRETS) expect(body, `${url} leaks ${secret}`).not.toContain(secret);
      expect(body, url).not.toMatch(/"(displayName|residentId|staffId|phone|note|acknowledgedBy)"\s*:/);
    }
  });

  it('keeps topics that are not yet public out', async () => {
    expect((await app.request(`/api/open/topics/${internal.code}/participation`)).status).toBe(404);
    expect((await app.request(`/api/open/responsibility-items?topic=${internal.code}`)).status).toBe(404);
  });

  it('is read-only', async () => {
    for (const url of urls()) {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const res = await app.request(url, { method, headers: { accept: 'application/json' } });
        expect(res.status, `${method} ${url}`).toBe(404);
      }
    }
  });

  it('ignores a language it does not know', async () => {
    const body = (await (await app.request('/api/open/kpis?lang=<script>')).json()) as { language: string };
    expect(body.language).toBe('zh-CN');
  });

  it('documents no personal field', () => {
    const text = JSON.stringify(openApiDocument());
    expect(text).not.toMatch(/"(residentId|staffId|displayName|phone|acknowledgedBy|note)"/);
  });
});
