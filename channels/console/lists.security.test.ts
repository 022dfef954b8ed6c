/**
 * The lists and balance pages against misuse: forged forms, departments acting for others, script in
 * staff-written text, signed-out downloads, and pages that a strict CSP would break.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../src/app.ts';
import { responsibilityProgress } from '../../src/db/schema.ts';
import { createResponsibilityItem } from '../../src/lists/create-responsibility-item.ts';
import { topicWithResult } from '../../src/lists/lists-test-kit.ts';
import { newPlace } from '../../src/outreach/outreach-test-kit.ts';
import type { TestAppDeps } from '../../src/testing/test-app-deps.ts';
import type { TestDatabase } from '../../src/testing/test-database.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { depsCtx } from './console-test-kit.ts';
import { listsTestApp, type Member, member } from './lists-test-kit.ts';

let database: TestDatabase;
let deps: TestAppDeps;
let app: ReturnType<typeof createApp>;
let secretary: Member;
let housing: Member;
let water: Member;
let topic: Topic;
let itemId: string;

const ctx = () => ({ ...depsCtx(deps), clock: deps.clock });

beforeAll(async () => {
  ({ database, deps, app } = await listsTestApp());
  secretary = await member(app, deps, ['community_secretary']);
  housing = await member(app, deps, ['department_liaison'], '区住建局');
  water = await member(app, deps, ['department_liaison'], '区水务局');
  topic = await topicWithResult(ctx(), (await newPlace(database.db)).community.id);
  const { item } = await createResponsibilityItem(ctx(), {
    topicId: topic.id,
    title: '<script>alert(1)</script><img src=x onerror=alert(2)>',
    acceptanceCriteria: '"><svg onload=alert(3)>',
    department: '区住建局',
    cooperatingDepartments: ['区水务局'],
    deadlineWorkingDays: 5,
  });
  itemId = item.id;
});

afterAll(async () => {
  await deps.close();
  await database.close();
});

describe('forms', () => {
  it('refuses a POST without the session’s CSRF token and stores nothing', async () => {
    const res = await housing.post(
      `/console/lists/items/${itemId}/progress`,
      { note: '伪造' },
      { csrf: false },
    );
    expect(res.status).toBe(403);
    expect(await database.db.select().from(responsibilityProgress)).toEqual([]);
  });

  it('lets a department report only on items it is involved in, and only the lead complete', async () => {
    const other = await member(app, deps, ['department_liaison'], '区城管局');
    expect((await other.post(`/console/lists/items/${itemId}/progress`, { note: '代报' })).status).toBe(403);
    expect(
      (await water.post(`/console/lists/items/${itemId}/completion`, { completionNote: '完成' })).status,
    ).toBe(403);
    const page = await (await water.get(`/console/lists/items/${itemId}`)).text();
    expect(page).toContain(`action="/console/lists/items/${itemId}/progress"`);
    expect(page).not.toContain(`action="/console/lists/items/${itemId}/completion"`);
  });

  it('refuses a liaison without a department', async () => {
    const nobody = await member(app, deps, ['department_liaison']);
    expect((await nobody.post(`/console/lists/items/${itemId}/progress`, { note: '报送' })).status).toBe(403);
  });
});

describe('pages', () => {
  it('escape what staff wrote, and carry the page security headers', async () => {
    for (const path of [
      `/console/lists/items/${itemId}`,
      `/console/lists/topics/${topic.id}`,
      '/console/lists/supervision',
    ]) {
      const res = await secretary.get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'none'");
      const page = await res.text();
      expect(page, path).not.toContain('<script');
      expect(page, path).not.toContain('<img src=x');
      expect(page, path).not.toContain('style=');
    }
    const page = await (await secretary.get(`/console/lists/items/${itemId}`)).text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;svg onload=alert(3)&gt;');
  });

  it('draw charts without inline style or script', async () => {
    const page = await (await secretary.get('/console/kpi')).text();
    const svgs = page.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs.length).toBeGreaterThan(0);
    for (const svg of svgs) {
      expect(svg).not.toMatch(/style=|<script|<style|on\w+=/);
    }
  });
});

describe('exports', () => {
  it('are not given to anyone signed out', async () => {
    for (const file of ['responsibility.csv', 'supervision.json', 'evaluation.csv']) {
      const api = await app.request(`/console/lists/export/${file}`, {
        headers: { accept: 'application/json' },
      });
      expect(api.status, file).toBe(401);
      const browser = await app.request(`/console/lists/export/${file}`, {
        headers: { accept: 'text/html' },
      });
      expect(browser.status, file).toBe(302);
    }
  });

  it('cannot be steered to another file by the name', async () => {
    for (const name of ['..%2F..%2Fpackage.json', 'responsibility.csv%00.json', 'RESPONSIBILITY.CSV']) {
      expect((await secretary.get(`/console/lists/export/${name}`, 'application/json')).status, name).toBe(
        404,
      );
    }
  });

  it('defuse formulas in what staff wrote', async () => {
    await createResponsibilityItem(ctx(), {
      topicId: topic.id,
      title: '@SUM(1+1)*cmd|"/C calc"!A0',
      acceptanceCriteria: '+1',
      department: '区住建局',
      deadlineWorkingDays: 5,
    });
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(
      await (await secretary.get('/console/lists/export/responsibility.csv', 'text/csv')).arrayBuffer(),
    );
    expect(text).toContain(`"'@SUM(1+1)*cmd|""/C calc""!A0"`);
    expect(text).toContain(",'+1,");
    expect(text).not.toMatch(/(^|,)[=+@-]/m);
  });
});
