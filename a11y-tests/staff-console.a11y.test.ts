/**
 * The staff sign-in and console pages in real Chromium: axe (WCAG 2.2 AA + best practices, target-size
 * on) in every locale and state, keyboard-only sign-in, the error summary taking focus.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depsCtx, makeStaff, TEST_PASSWORD } from '../channels/console/console-test-kit.ts';
import { newPhone } from '../src/conversations/conversation-test-kit.ts';
import { LOCALES, voiceCalls } from '../src/db/schema.ts';
import { registerKioskDevice } from '../src/kiosk/register-kiosk-device.ts';
import { bookCallback } from '../src/voice/book-callback.ts';
import { type AxeReport, runAxe } from './support/axe.ts';
import { launchBrowser } from './support/browser.ts';
import { saveScreenshot, writeAxeReport } from './support/report.ts';
import { type RunningGateway, startGateway } from './support/server.ts';

let gateway: RunningGateway;
let browser: Browser;
const reports: (AxeReport & { state: string })[] = [];

beforeAll(async () => {
  gateway = await startGateway();
  browser = await launchBrowser();
});

afterAll(async () => {
  writeAxeReport('staff-console', reports);
  await browser?.close();
  await gateway?.stop();
});

async function newPage(locale: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  return { context, page };
}

async function expectNoViolations(page: Page, state: string): Promise<void> {
  const report = await runAxe(page);
  reports.push({ ...report, state });
  expect(report.violations, `${state}: ${JSON.stringify(report.violations, null, 2)}`).toEqual([]);
}

/** Submits a form and waits for the page the server answers with. */
async function submitAndWait(page: Page, submit: () => Promise<void>): Promise<void> {
  await Promise.all([page.waitForEvent('framenavigated'), submit()]);
  await page.waitForLoadState('load');
}

async function signIn(page: Page, username: string): Promise<void> {
  await page.getByLabel(/用户名|用戶名|Username/).fill(username);
  await page.getByLabel(/密码|密碼|Password/).fill(TEST_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/console$/);
}

describe.each(LOCALES)('staff pages in %s', (locale) => {
  it('sign-in form: first view and validation error have no axe violations', async () => {
    const { context, page } = await newPage(locale);
    try {
      await page.goto(`${gateway.baseUrl}/staff/login?lang=${locale}`);
      expect(await page.getAttribute('html', 'lang')).toBe(locale);
      await expectNoViolations(page, `${locale} login first view`);
      await saveScreenshot(page, `login-${locale}`);

      await submitAndWait(page, () => page.locator('button[type=submit]').click());
      await expectNoViolations(page, `${locale} login validation error`);
      await saveScreenshot(page, `login-error-${locale}`);
    } finally {
      await context.close();
    }
  });

  it('console home, outbox and audit pages have no axe violations', async () => {
    const admin = await makeStaff(gateway.deps, ['admin', 'supervisor']);
    const { context, page } = await newPage(locale);
    try {
      await page.goto(`${gateway.baseUrl}/staff/login?lang=${locale}`);
      await signIn(page, admin.username);
      await expectNoViolations(page, `${locale} console home`);
      await saveScreenshot(page, `console-${locale}`);
      for (const path of ['/console/outbox', '/console/audit']) {
        await page.goto(`${gateway.baseUrl}${path}`);
        await expectNoViolations(page, `${locale} ${path}`);
        await saveScreenshot(page, `${path.replaceAll('/', '-').slice(1)}-${locale}`);
      }
    } finally {
      await context.close();
    }
  });
});

describe.each(LOCALES)('kiosk and call-back pages in %s', (locale) => {
  it('the kiosk list, the registration form with its errors and the call-backs have no axe violations', async () => {
    const ctx = depsCtx(gateway.deps);
    await registerKioskDevice(ctx, {
      label: `超市入口 ${locale}`,
      location: { 'zh-CN': '幸福超市一楼', en: 'Xingfu supermarket, ground floor' },
    });
    const callSid = `CA${locale.replace('-', '').padEnd(32, '0')}`;
    await gateway.database.db
      .insert(voiceCalls)
      .values({ callSid, direction: 'inbound', status: 'completed', startedAt: new Date() });
    await bookCallback(ctx, { callSid, phone: newPhone(), locale, reason: 'after_hours' });
    const secretary = await makeStaff(gateway.deps, ['community_secretary']);
    const { context, page } = await newPage(locale);
    try {
      await page.goto(`${gateway.baseUrl}/staff/login?lang=${locale}`);
      await signIn(page, secretary.username);
      await page.goto(`${gateway.baseUrl}/console/kiosks`);
      expect(await page.locator('table caption').count()).toBe(1);
      await expectNoViolations(page, `${locale} kiosk list`);
      await page.goto(`${gateway.baseUrl}/console/kiosks/new`);
      await expectNoViolations(page, `${locale} kiosk registration`);
      await submitAndWait(page, () => page.locator('main button[type=submit]').click());
      await expectNoViolations(page, `${locale} kiosk registration errors`);
      await saveScreenshot(page, `kiosk-registration-errors-${locale}`);
      await page.goto(`${gateway.baseUrl}/console/callbacks`);
      expect(await page.locator('table tbody tr').count()).toBeGreaterThan(0);
      await expectNoViolations(page, `${locale} call-backs`);
      await saveScreenshot(page, `callbacks-${locale}`);
    } finally {
      await context.close();
    }
  });
});

describe('keyboard-only sign-in', () => {
  it('an empty submit moves focus to the error summary, whose links lead to the fields', async () => {
    const { context, page } = await newPage('en');
    try {
      await page.goto(`${gateway.baseUrl}/staff/login?lang=en`);
      await page.locator('button[type=submit]').focus();
      await submitAndWait(page, () => page.keyboard.press('Enter'));
      expect(await page.title()).toMatch(/^Error:/);
      const focused = page.locator(':focus');
      await expect.poll(() => focused.getAttribute('class')).toContain('error-summary');
      const firstLink = page.locator('.error-summary a').first();
      await firstLink.focus();
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
        .toBe('username');
    } finally {
      await context.close();
    }
  });

  it('a staff member signs in using the keyboard alone', async () => {
    const staff = await makeStaff(gateway.deps, ['community_secretary']);
    const { context, page } = await newPage('zh-CN');
    try {
      await page.goto(`${gateway.baseUrl}/staff/login`);
      // Tab from the top of the page until the username field has focus.
      for (let i = 0; i < 30; i += 1) {
        await page.keyboard.press('Tab');
        if ((await page.evaluate(() => document.activeElement?.getAttribute('name'))) === 'username') break;
      }
      await page.keyboard.type(staff.username);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('password');
      await page.keyboard.type(TEST_PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/console$/);
      expect(await page.locator('h1').count()).toBe(1);
    } finally {
      await context.close();
    }
  });
});
