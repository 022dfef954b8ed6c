/**
 * The three lists, the KPI dashboard and participation balance in real Chromium: axe (WCAG 2.2 AA +
 * best practices, target-size on) on every page in every locale, the forms' error states, the high
 * contrast and large text modes; charts exposed as named images with their tables; keyboard-only use
 * of the new-item form.
 */
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depsCtx, TEST_PASSWORD } from '../channels/console/console-test-kit.ts';
import { communities, LOCALES } from '../src/db/schema.ts';
import { createResponsibilityItem } from '../src/lists/create-responsibility-item.ts';
import { contribute, follow, topicWithResult } from '../src/lists/lists-test-kit.ts';
import { reportProgress } from '../src/lists/report-progress.ts';
import { superviseResponsibilityItems } from '../src/lists/supervise-responsibility-items.ts';
import { insertResidents, newPlace } from '../src/outreach/outreach-test-kit.ts';
import { setAffectedGroups } from '../src/participation/set-affected-groups.ts';
import { createStaff } from '../src/staff/create-staff.ts';
import type { Topic } from '../src/topics/topic-lifecycle.ts';
import { type AxeReport, runAxe } from './support/axe.ts';
import { launchBrowser } from './support/browser.ts';
import { saveScreenshot, writeAxeReport } from './support/report.ts';
import { type RunningGateway, startGateway } from './support/server.ts';

let gateway: RunningGateway;
let browser: Browser;
let topic: Topic;
let itemId: string;
let username: string;
const reports: (AxeReport & { state: string })[] = [];

beforeAll(async () => {
  gateway = await startGateway();
  browser = await launchBrowser();
  const deps = gateway.deps;
  const ctx = () => ({ ...depsCtx(deps), clock: deps.clock });
  deps.clock.set('2026-09-01T02:00:00Z');
  const { community } = await newPlace(gateway.database.db);
  await gateway.database.db
    .update(communities)
    .set({ profile: { total: 1000, elderly: 300, disabled: 50 } })
    .where(eq(communities.id, community.id));
  topic = await topicWithResult(ctx(), community.id);
  const [heard, follower] = await insertResidents(depsCtx(deps), [
    { communityId: community.id },
    { communityId: community.id },
  ]);
  await contribute(gateway.database.db, {
    residentId: heard ?? null,
    topicId: topic.id,
    how: 'opinion',
    channel: 'kiosk',
  });
  await follow(gateway.database.db, topic.id, follower ?? '');
  await setAffectedGroups(ctx(), { topicId: topic.id, groups: ['elderly'] });
  deps.clock.set('2026-09-28T02:00:00Z');
  const { item } = await createResponsibilityItem(ctx(), {
    topicId: topic.id,
    title: '3号楼加装电梯',
    acceptanceCriteria: '电梯通过安全检验并投入使用',
    department: '区住建局',
    cooperatingDepartments: ['区水务局'],
    deadlineWorkingDays: 3,
  });
  itemId = item.id;
  await reportProgress(ctx(), { itemId, note: '已完成设计方案', percent: 30, department: '区住建局' });
  deps.clock.set('2026-10-09T01:00:00Z');
  await superviseResponsibilityItems(
    depsCtx(deps),
    {},
    { i18n: deps.i18n, defaultLocale: 'zh-CN', senders: {} },
  );
  const staff = await createStaff(depsCtx(deps), {
    username: 'lists-a11y',
    displayName: '王书记',
    password: TEST_PASSWORD,
    roles: ['admin', 'community_secretary', 'supervisor', 'department_liaison'],
    department: '区住建局',
  });
  username = staff.username;
});

afterAll(async () => {
  writeAxeReport('lists-console', reports);
  await browser?.close();
  await gateway?.stop();
});

async function signedIn(locale: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  await page.goto(`${gateway.baseUrl}/staff/login?lang=${locale}`);
  await page.getByLabel(/用户名|用戶名|Username/).fill(username);
  await page.getByLabel(/密码|密碼|Password/).fill(TEST_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/console$/);
  return { context, page };
}

async function expectNoViolations(page: Page, state: string): Promise<void> {
  const report = await runAxe(page);
  reports.push({ ...report, state });
  expect(report.violations, `${state}: ${JSON.stringify(report.violations, null, 2)}`).toEqual([]);
}

async function submitAndWait(page: Page, submit: () => Promise<void>): Promise<void> {
  await Promise.all([page.waitForEvent('framenavigated'), submit()]);
  await page.waitForLoadState('load');
}

const pages = () => [
  '/console/lists',
  `/console/lists/topics/${topic.id}`,
  `/console/lists/topics/${topic.id}/new`,
  `/console/lists/items/${itemId}`,
  '/console/lists/supervision',
  '/console/lists/evaluation',
  '/console/kpi',
  '/console/balance',
  `/console/balance/topics/${topic.id}`,
];

describe.each(LOCALES)('lists, KPI and balance pages in %s', (locale) => {
  it('have no axe violations, first view and form errors', async () => {
    const { context, page } = await signedIn(locale);
    try {
      for (const path of pages()) {
        const res = await page.goto(`${gateway.baseUrl}${path}`);
        expect(res?.status(), path).toBe(200);
        expect(await page.locator('h1').count(), path).toBe(1);
        await expectNoViolations(page, `${locale} ${path}`);
        await saveScreenshot(
          page,
          `${path
            .replaceAll('/', '-')
            .slice(1)
            .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, 'id')}-${locale}`,
        );
      }
      await page.goto(`${gateway.baseUrl}/console/lists/topics/${topic.id}/new`);
      await submitAndWait(page, () => page.locator('main button[type=submit]').click());
      await expectNoViolations(page, `${locale} new item, errors`);
      await page.goto(`${gateway.baseUrl}/console/lists/items/${itemId}`);
      await page.locator('#field-percent').fill('200');
      await submitAndWait(page, () => page.locator('form[action$="/progress"] button[type=submit]').click());
      await expectNoViolations(page, `${locale} progress, errors`);
      await page.goto(`${gateway.baseUrl}/console/balance/topics/${topic.id}`);
      await page.locator('#field-visits-elderly').fill('0');
      await submitAndWait(page, () =>
        page.locator('form:has(#field-visits-elderly) button[type=submit]').click(),
      );
      await expectNoViolations(page, `${locale} balance, errors`);
    } finally {
      await context.close();
    }
  });
});

describe('display modes', () => {
  it('keep the charts and pages clean in high contrast and large text', async () => {
    const { context, page } = await signedIn('zh-CN');
    try {
      for (const query of ['contrast=high', 'text=large']) {
        for (const path of [
          '/console/kpi',
          `/console/balance/topics/${topic.id}`,
          '/console/lists/evaluation',
        ]) {
          await page.goto(`${gateway.baseUrl}${path}?${query}`);
          await expectNoViolations(page, `${query} ${path}`);
        }
        await saveScreenshot(page, `kpi-${query.replace('=', '-')}`);
      }
      // The charts draw in the text colour, so they turn light on the dark background.
      await page.goto(`${gateway.baseUrl}/console/kpi?contrast=high`);
      const fill = await page
        .locator('svg.chart rect')
        .first()
        .evaluate((el) => getComputedStyle(el).fill);
      expect(fill).toBe('rgb(255, 255, 255)');
    } finally {
      await context.close();
    }
  });
});

describe('charts', () => {
  it('are images named by their title, each followed by a table of the same figures', async () => {
    const { context, page } = await signedIn('en');
    try {
      await page.goto(`${gateway.baseUrl}/console/kpi`);
      const charts = page.getByRole('img');
      expect(await charts.count()).toBeGreaterThanOrEqual(3);
      await expect.poll(() => charts.first().getAttribute('aria-labelledby')).toMatch(/-title .+-desc$/);
      expect(await page.getByRole('img', { name: /Process: actual figures against targets/ }).count()).toBe(
        1,
      );
      expect(await page.getByRole('table', { name: /Process: figures, targets/ }).count()).toBe(1);
      await page.goto(`${gateway.baseUrl}/console/balance/topics/${topic.id}`);
      expect(await page.getByRole('img', { name: /Who has been heard on T\d+, by group/ }).count()).toBe(1);
      expect(await page.getByRole('table', { name: /Residents heard by group/ }).count()).toBe(1);
    } finally {
      await context.close();
    }
  });
});

describe('keyboard only', () => {
  it('an empty new-item form sends focus to the error summary, whose first link leads to its field', async () => {
    const { context, page } = await signedIn('en');
    try {
      await page.goto(`${gateway.baseUrl}/console/lists/topics/${topic.id}/new`);
      await page.locator('main button[type=submit]').focus();
      await submitAndWait(page, () => page.keyboard.press('Enter'));
      expect(await page.title()).toMatch(/^Error:/);
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.className))
        .toContain('error-summary');
      await page.locator('.error-summary a').first().focus();
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
        .toBe('title');
    } finally {
      await context.close();
    }
  });
});
