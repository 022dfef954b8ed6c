/**
 * The public website in real Chromium: axe (WCAG 2.2 AA + best practices, target-size on) on every
 * page and form state in every locale and display mode, 7:1 contrast in high-contrast mode, 24px
 * body text in large mode, accessibility-tree snapshots, keyboard-only completion of every form, the
 * error summary taking focus, status messages, focus never hidden, and no sideways scrolling at
 * 320 CSS pixels (400% zoom of a 1280px window).
 */
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeFor,
  loadWebFixture,
  testClientAddress,
  testMobile,
  type WebFixture,
} from '../channels/web/web-test-kit.ts';
import { LOCALES, type Locale, phoneVerifications } from '../src/db/schema.ts';
import { type AxeReport, runAxe } from './support/axe.ts';
import { launchBrowser } from './support/browser.ts';
import { saveScreenshot, writeAxeReport } from './support/report.ts';
import { type RunningGateway, startGateway } from './support/server.ts';

let gateway: RunningGateway;
let browser: Browser;
let fixture: WebFixture;
const reports: (AxeReport & { state: string })[] = [];

beforeAll(async () => {
  gateway = await startGateway();
  fixture = await loadWebFixture(gateway.deps);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  writeAxeReport('website', reports);
  await browser?.close();
  await gateway?.stop();
});

const MODES = [
  { name: 'default', query: '' },
  { name: 'large', query: '&text=large' },
  { name: 'contrast', query: '&contrast=high' },
] as const;
type Mode = (typeof MODES)[number];

const topic = (key: string) => fixture.topics[key] ?? '';

async function newContext(locale: Locale, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  // Each context is a different client address, so the per-address submission limits never mix runs.
  return browser.newContext({
    locale,
    viewport,
    extraHTTPHeaders: { 'x-forwarded-for': testClientAddress() },
  });
}

async function open(page: Page, path: string): Promise<void> {
  await page.goto(`${gateway.baseUrl}${path}`);
}

/** Clicks (or presses) something that submits a form and waits for the answer page. */
async function submitAndWait(page: Page, submit: () => Promise<void>): Promise<void> {
  await Promise.all([page.waitForEvent('framenavigated'), submit()]);
  await page.waitForLoadState('load');
}

async function continueButton(page: Page): Promise<void> {
  await submitAndWait(page, () =>
    page
      .locator('button[name=action][value=continue], form[method=post] button[type=submit]')
      .first()
      .click(),
  );
}

/** axe on the page as it is now; in high-contrast mode also the 7:1 (AAA) contrast rule. */
async function check(page: Page, state: string, mode: Mode): Promise<void> {
  const report = await runAxe(page);
  reports.push({ ...report, state });
  expect(report.violations, `${state}: ${JSON.stringify(report.violations, null, 2)}`).toEqual([]);
  if (mode.name === 'contrast') {
    const enhanced = (await page.evaluate(async () => {
      const axe = (
        window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: unknown[] }> } }
      ).axe;
      const result = await axe.run(document, {
        runOnly: { type: 'rule', values: ['color-contrast-enhanced'] },
        resultTypes: ['violations'],
      });
      return result.violations;
    })) as unknown[];
    expect(enhanced, `${state} (7:1): ${JSON.stringify(enhanced, null, 2)}`).toEqual([]);
  }
  if (mode.name === 'large') {
    const size = await page.evaluate(() => Number.parseFloat(getComputedStyle(document.body).fontSize));
    expect(size, state).toBeGreaterThanOrEqual(24);
  }
}

async function expectErrorState(page: Page, state: string, mode: Mode, prefix: string): Promise<void> {
  expect((await page.title()).startsWith(prefix), state).toBe(true);
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.classList.contains('error-summary')))
    .toBe(true);
  await check(page, state, mode);
}

async function expectConfirmation(page: Page, state: string, mode: Mode): Promise<void> {
  expect(await page.getByRole('status').count(), state).toBeGreaterThan(0);
  await check(page, state, mode);
}

async function verificationCode(page: Page): Promise<string> {
  const id = await page.locator('input[name=verification]').getAttribute('value');
  return codeFor(gateway.database, id ?? '');
}

const ERROR_PREFIX: Record<Locale, string> = { 'zh-CN': '错误：', 'zh-HK': '錯誤：', en: 'Error: ' };

describe('accessibility tree of the topic page and every form', () => {
  it('matches the committed snapshots', async () => {
    const context = await newContext('en');
    const page = await context.newPage();
    try {
      const snap = async (path: string) => {
        await open(page, path);
        return page.locator('main').ariaSnapshot();
      };
      // The deliberating topic; no test adds opinions to it, so its counts stay as loaded.
      expect(await snap(`/topics/${topic('lift-block-3')}?lang=en`)).toMatchSnapshot('topic page');
      expect(await snap(`/topics/${topic('night-parking')}/opinion`)).toMatchSnapshot('opinion form');
      expect(await snap('/report')).toMatchSnapshot('report form');
      expect(await snap(`/surveys/${fixture.surveyCode}`)).toMatchSnapshot('survey form');
      expect(await snap(`/topics/${topic('night-parking')}/follow`)).toMatchSnapshot('follow form');
      expect(await snap('/visit')).toMatchSnapshot('visit form');
      // The code page and an error state, reached the way a resident would.
      await page.locator('#field-address').fill('Block 2, Flat 302');
      await continueButton(page);
      await continueButton(page);
      await continueButton(page);
      expect(await page.locator('main').ariaSnapshot()).toMatchSnapshot('visit form, phone missing');
      await page.locator('#field-phone').fill(testMobile());
      await continueButton(page);
      expect(await page.locator('main').ariaSnapshot()).toMatchSnapshot('code page');
    } finally {
      await context.close();
    }
  });
});

describe.each(LOCALES)('website in %s', (locale) => {
  describe.each(MODES)('$name display', (mode) => {
    it('every page has no axe violations', async () => {
      const context = await newContext(locale);
      const page = await context.newPage();
      try {
        await open(page, `/?lang=${locale}${mode.query}`);
        expect(await page.getAttribute('html', 'lang')).toBe(locale);
        await check(page, `${locale} ${mode.name} home`, mode);
        if (mode.name !== 'default' || locale === 'en')
          await saveScreenshot(page, `web-home-${locale}-${mode.name}`);
        for (const [name, path] of [
          ['topics', '/topics'],
          ['topics-filtered', '/topics?status=published&community=changan-xingfuli'],
          ['topic', `/topics/${topic('lift-block-3')}`],
          ['topic-evaluated', `/topics/${topic('drinking-water')}`],
          ['topic-closed', `/topics/${topic('rubbish-sorting')}`],
          ['accessibility', '/accessibility'],
          ['privacy', '/privacy'],
          ['not-found', '/topics/T9999'],
          ['opinion-closed', `/topics/${topic('rubbish-sorting')}/opinion`],
        ] as const) {
          await open(page, path);
          await check(page, `${locale} ${mode.name} ${name}`, mode);
          if (name === 'topic') await saveScreenshot(page, `web-topic-${locale}-${mode.name}`);
        }
      } finally {
        await context.close();
      }
    });

    it('every form, in its first view, validation error and confirmation, has no axe violations', async () => {
      const context = await newContext(locale);
      const page = await context.newPage();
      const state = (s: string) => `${locale} ${mode.name} ${s}`;
      const shoot = async (name: string) => {
        if (mode.name === 'default') await saveScreenshot(page, `web-${name}-${locale}`);
      };
      try {
        await open(page, `/?lang=${locale}${mode.query}`);

        // Opinion: stance → comment → phone (left empty) → confirmation.
        await open(page, `/topics/${topic('night-parking')}/opinion`);
        await check(page, state('opinion first view'), mode);
        await continueButton(page);
        await expectErrorState(page, state('opinion error'), mode, ERROR_PREFIX[locale]);
        await shoot('opinion-error');
        await page.locator('input[name=stance][value=suggestion]').check();
        await continueButton(page);
        await check(page, state('opinion comment'), mode);
        await page.locator('#field-comment').fill('夜间可以开放学校操场停车');
        await continueButton(page);
        await check(page, state('opinion phone'), mode);
        await continueButton(page);
        await expectConfirmation(page, state('opinion confirmation'), mode);
        await shoot('opinion-done');

        // Report a need: what → where → impact → phone → confirmation.
        await open(page, '/report');
        await check(page, state('report first view'), mode);
        await continueButton(page);
        await expectErrorState(page, state('report error'), mode, ERROR_PREFIX[locale]);
        await page.locator('#field-what').fill('5号楼楼道灯坏了');
        await continueButton(page);
        await check(page, state('report where'), mode);
        await page.locator('#field-where').fill('幸福里5号楼');
        await continueButton(page);
        await check(page, state('report impact'), mode);
        await continueButton(page);
        await continueButton(page);
        await expectConfirmation(page, state('report confirmation'), mode);

        // Satisfaction survey: three questions.
        await open(page, `/surveys/${fixture.surveyCode}`);
        await check(page, state('survey first view'), mode);
        await continueButton(page);
        await expectErrorState(page, state('survey error'), mode, ERROR_PREFIX[locale]);
        await page.locator('input[name=answer][value=satisfied]').check();
        await continueButton(page);
        await check(page, state('survey yes/no'), mode);
        await page.locator('input[name=answer][value=yes]').check();
        await continueButton(page);
        await check(page, state('survey text'), mode);
        await page.locator('#field-answer').fill('水干净了');
        await continueButton(page);
        await expectConfirmation(page, state('survey confirmation'), mode);

        // Follow: channel → phone → code (wrong, then right) → confirmation.
        await open(page, `/topics/${topic('ebike-charging')}/follow`);
        await check(page, state('follow first view'), mode);
        await continueButton(page);
        await expectErrorState(page, state('follow error'), mode, ERROR_PREFIX[locale]);
        await page.locator('input[name=channel][value=voice]').check();
        await continueButton(page);
        await page.locator('#field-phone').fill(testMobile());
        await continueButton(page);
        await check(page, state('follow code'), mode);
        await shoot('code');
        const code = await verificationCode(page);
        await page.locator('#field-code').fill(code === '000000' ? '111111' : '000000');
        await continueButton(page);
        await expectErrorState(page, state('follow wrong code'), mode, ERROR_PREFIX[locale]);
        await page.locator('#field-code').fill(code);
        await continueButton(page);
        await expectConfirmation(page, state('follow confirmation'), mode);

        // Home visit: address → reason → phone (missing, then given) → code → confirmation.
        await open(page, '/visit');
        await check(page, state('visit first view'), mode);
        await page.locator('#field-address').fill('2号楼1单元302');
        await continueButton(page);
        await continueButton(page);
        await continueButton(page);
        await expectErrorState(page, state('visit phone missing'), mode, ERROR_PREFIX[locale]);
        await page.locator('#field-phone').fill(testMobile());
        await continueButton(page);
        await page.locator('#field-code').fill(await verificationCode(page));
        await continueButton(page);
        await expectConfirmation(page, state('visit confirmation'), mode);
        await shoot('visit-done');
      } finally {
        await context.close();
      }
    }, 120_000);
  });
});

/** Presses Tab until the focused element matches, as a keyboard user would. */
async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Tab to the form's main button and press Enter. */
async function keyboardContinue(page: Page): Promise<void> {
  await tabTo(page, 'button[value=continue], form[method=post] button[type=submit]');
  await submitAndWait(page, () => page.keyboard.press('Enter'));
}

describe('keyboard only', () => {
  it('an empty submit focuses the error summary, whose link leads to the field', async () => {
    const context = await newContext('en');
    const page = await context.newPage();
    try {
      await open(page, `/topics/${topic('night-parking')}/opinion?lang=en`);
      await keyboardContinue(page);
      expect(await page.title()).toMatch(/^Error: /);
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.className))
        .toContain('error-summary');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#field-stance');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('field-stance');
      // From the field, the keyboard carries on: choose with the arrow keys and send.
      await page.keyboard.press('ArrowDown');
      expect(await page.locator('input[name=stance][value=oppose]').isChecked()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('completes the opinion form with a verified phone number', async () => {
    const context = await newContext('zh-CN');
    const page = await context.newPage();
    try {
      await open(page, `/topics/${topic('ebike-charging')}?lang=zh-CN`);
      await tabTo(page, `a[href="/topics/${topic('ebike-charging')}/opinion"]`);
      await submitAndWait(page, () => page.keyboard.press('Enter'));
      await tabTo(page, 'input[name=stance]');
      await page.keyboard.press('Space');
      expect(await page.locator('input[name=stance][value=support]').isChecked()).toBe(true);
      await keyboardContinue(page);
      await tabTo(page, 'textarea[name=comment]');
      await page.keyboard.type('充电棚请装监控');
      await keyboardContinue(page);
      await tabTo(page, 'input[name=phone]');
      await page.keyboard.type(testMobile());
      await submitAndWait(page, () => page.keyboard.press('Enter'));
      await tabTo(page, 'input[name=code]');
      await page.keyboard.type(await verificationCode(page));
      await submitAndWait(page, () => page.keyboard.press('Enter'));
      const status = page.getByRole('status');
      await expect.poll(() => status.textContent()).toContain('已收到您对议题');
      // Announced without taking focus away from where the reader is.
      expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('completes the report, survey, follow and home-visit forms', async () => {
    const context = await newContext('en');
    const page = await context.newPage();
    try {
      await open(page, '/report?lang=en');
      await tabTo(page, 'textarea[name=what]');
      await page.keyboard.type('Broken stairwell light');
      await keyboardContinue(page);
      await tabTo(page, 'input[name=where]');
      await page.keyboard.type('Block 5');
      await submitAndWait(page, () => page.keyboard.press('Enter'));
      await tabTo(page, 'textarea[name=impact]');
      await page.keyboard.type('Dark at night');
      await keyboardContinue(page);
      await tabTo(page, 'input[name=phone]');
      await submitAndWait(page, () => page.keyboard.press('Enter'));
      expect(await page.getByRole('status').textContent()).toContain('We have your request');

      await open(page, `/surveys/${fixture.surveyCode}`);
      await tabTo(page, 'input[name=answer]');
      await page.keyboard.press('ArrowDown');
      expect(await page.locator('input[name=answer][value=satisfied]').isChecked()).toBe(true);
      await keyboardContinue(page);
      await tabTo(page, 'input[name=answer]');
      await page.keyboard.press('Space');
      await keyboardContinue(page);
      await tabTo(page, 'textarea[name=answer]');
      await page.keyboard.type('Thank you');
      await keyboardContinue(page);
      expect(await page.getByRole('status').textContent()).toContain('Thank you. Your answers');

      await open(page, `/topics/${topic('night-parking')}/follow`);
      await tabTo(page, 'input[name=channel]');
      await page.keyboard.press('Space');
      await keyboardContinue(page);
      await tabTo(page, 'input[name=phone]');
      await page.keyboard.type(testMobile());
      await submitAndWait(page, () => page.keyboard.press('Enter'));
      await tabTo(page, 'input[name=code]');
      await page.keyboard.type(await verificationCode(page));
      await submitAndWait(page, () => page.keyboard.press('Enter'));
      expect(await page.getByRole('status').textContent()).toContain('We will tell you about each step');

      await open(page, '/visit');
      await tabTo(page, 'input[name=address]');
      await page.keyboard.type('Block 2, Flat 302');
      await submitAndWait(page, () => page.keyboard.press('Enter'));
      await keyboardContinue(page);
      await tabTo(page, 'input[name=phone]');
      const phone = testMobile();
      await page.keyboard.type(phone);
      await submitAndWait(page, () => page.keyboard.press('Enter'));
      await tabTo(page, 'input[name=code]');
      await page.keyboard.type(await verificationCode(page));
      await submitAndWait(page, () => page.keyboard.press('Enter'));
      expect(await page.getByRole('status').textContent()).toContain('We have your request');
      const rows = await gateway.database.db
        .select()
        .from(phoneVerifications)
        .where(eq(phoneVerifications.phoneHash, gateway.deps.pii.phoneHash(`+86${phone}`)));
      expect(rows.map((r) => r.verifiedAt !== null)).toEqual([true]);
    } finally {
      await context.close();
    }
  });

  it('never hides the focused element (no sticky header covers it) and shows a visible focus ring', async () => {
    const context = await newContext('en', { width: 1024, height: 600 });
    const page = await context.newPage();
    try {
      for (const path of [`/topics/${topic('lift-block-3')}?lang=en&text=large`, '/report?lang=en']) {
        await open(page, path);
        for (let i = 0; i < 30; i += 1) {
          await page.keyboard.press('Tab');
          const seen = await page.evaluate(() => {
            const el = document.activeElement as HTMLElement | null;
            if (!el || el === document.body) return { ok: true, what: 'body' };
            const r = el.getBoundingClientRect();
            const x = Math.min(Math.max(r.left + r.width / 2, 0), window.innerWidth - 1);
            const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 10), 0), window.innerHeight - 1);
            const hit = document.elementFromPoint(x, y);
            const style = getComputedStyle(el);
            const ring = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2;
            return { ok: !!hit && (hit === el || el.contains(hit)) && ring, what: el.outerHTML.slice(0, 80) };
          });
          expect(seen.ok, `${path}: ${seen.what}`).toBe(true);
        }
      }
    } finally {
      await context.close();
    }
  });
});

describe('narrow screens and 400% zoom', () => {
  it.each(['default', 'large'] as const)(
    'no page scrolls sideways at 320 CSS pixels (%s text)',
    async (size) => {
      const context = await newContext('en', { width: 320, height: 640 });
      const page = await context.newPage();
      try {
        await open(page, `/?lang=en&text=${size === 'large' ? 'large' : 'standard'}`);
        for (const path of [
          '/',
          '/topics',
          `/topics/${topic('lift-block-3')}`,
          `/topics/${topic('night-parking')}/opinion`,
          '/report',
          `/surveys/${fixture.surveyCode}`,
          '/accessibility',
        ]) {
          await open(page, path);
          const widths = await page.evaluate(() => ({
            scroll: document.documentElement.scrollWidth,
            client: document.documentElement.clientWidth,
          }));
          expect(widths.scroll, `${path}: ${JSON.stringify(widths)}`).toBeLessThanOrEqual(widths.client);
          if (path === '/' || path.endsWith('/opinion')) {
            await saveScreenshot(page, `web-320-${size}-${path === '/' ? 'home' : 'opinion'}`);
          }
        }
      } finally {
        await context.close();
      }
    },
  );
});
