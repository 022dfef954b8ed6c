/**
 * The community kiosk in real Chromium: axe (WCAG 2.2 AA + best practices, target-size on) on every
 * screen, locale and state; elder-friendly sizes measured; read-aloud; the idle reset; the offline
 * queue delivering exactly once.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depsCtx } from '../channels/console/console-test-kit.ts';
import { deviceCookieName } from '../channels/kiosk/kiosk-auth.ts';
import { registerTestKiosk, type TestKiosk } from '../channels/kiosk/kiosk-test-kit.ts';
import { intakes, LOCALES, type Locale } from '../src/db/schema.ts';
import { loadDemoData } from '../src/demo/load-demo-data.ts';
import { type AxeReport, runAxe } from './support/axe.ts';
import { launchBrowser } from './support/browser.ts';
import { saveScreenshot, writeAxeReport } from './support/report.ts';
import { type RunningGateway, startGateway } from './support/server.ts';

let gateway: RunningGateway;
let browser: Browser;
let kiosk: TestKiosk;
const reports: (AxeReport & { state: string })[] = [];

const SPEECH_LANG: Record<Locale, string> = { 'zh-CN': 'zh-CN', 'zh-HK': 'zh-HK', en: 'en-US' };
const READ_LABEL: Record<Locale, string> = { 'zh-CN': '朗读本页', 'zh-HK': '讀出本頁', en: 'Read aloud' };

/** Records what the page asks the speech engine to say, then lets the engine say it. */
const RECORD_SPEECH = `
  window.__spoken = [];
  window.__cancels = 0;
  if (window.speechSynthesis) {
    const engine = window.speechSynthesis;
    const speak = engine.speak.bind(engine);
    const cancel = engine.cancel.bind(engine);
    engine.speak = (u) => { window.__spoken.push({ text: u.text, lang: u.lang, rate: u.rate }); return speak(u); };
    engine.cancel = () => { window.__cancels += 1; return cancel(); };
  }
`;

beforeAll(async () => {
  gateway = await startGateway();
  await loadDemoData(depsCtx(gateway.deps));
  kiosk = await registerTestKiosk(gateway.deps, { label: 'A11y' });
  browser = await launchBrowser();
});

afterAll(async () => {
  writeAxeReport('kiosk', reports);
  await browser?.close();
  await gateway?.stop();
});

/** A browser context that is the registered kiosk, as after activation, at a kiosk's portrait size. */
async function kioskContext(
  locale: string,
  options: { withoutScript?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale,
    viewport: { width: 1080, height: 1920 },
    hasTouch: true,
  });
  // The kiosk's script never arrives, as on a browser with script off; axe itself still runs.
  if (options.withoutScript) await context.route('**/kiosk/assets/kiosk.js', (route) => route.abort());
  await context.addCookies([
    {
      name: deviceCookieName(gateway.deps.config),
      value: kiosk.token.replaceAll('-', ''),
      url: gateway.baseUrl,
      httpOnly: true,
      sameSite: 'Strict',
    },
  ]);
  await context.addInitScript(RECORD_SPEECH);
  const page = await context.newPage();
  return { context, page };
}

async function expectNoViolations(page: Page, state: string): Promise<void> {
  const report = await runAxe(page);
  reports.push({ ...report, state });
  expect(report.violations, `${state}: ${JSON.stringify(report.violations, null, 2)}`).toEqual([]);
}

/** Every visible target at least 60×60, text at least 24px with line spacing of 1.3 or more. */
async function expectElderFriendlySizes(page: Page, state: string): Promise<void> {
  const targets = page.locator(
    'a:visible, button:visible, label.k-choice:visible, textarea:visible, input:visible:not([type=hidden]):not([type=radio])',
  );
  const small: string[] = [];
  for (const target of await targets.all()) {
    const box = await target.boundingBox();
    if (box && (box.width < 60 || box.height < 60)) {
      small.push(
        `${(await target.textContent())?.trim()} ${Math.round(box.width)}×${Math.round(box.height)}`,
      );
    }
  }
  expect(small, `${state}: targets under 60×60`).toEqual([]);
  const text = await page.evaluate(() => {
    const found: string[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
      if (!ownText || !el.checkVisibility() || el.closest('.visually-hidden')) continue;
      const style = getComputedStyle(el);
      const size = Number.parseFloat(style.fontSize);
      const lineHeight = Number.parseFloat(style.lineHeight);
      if (size < 24 || !(lineHeight / size >= 1.299)) {
        found.push(`${el.tagName} "${el.textContent?.trim().slice(0, 30)}" ${size}px/${style.lineHeight}`);
      }
    }
    return found;
  });
  expect(text, `${state}: text under 24px or line spacing under 1.3`).toEqual([]);
}

async function checkScreen(page: Page, state: string, screenshot?: string): Promise<void> {
  await expectNoViolations(page, state);
  await expectElderFriendlySizes(page, state);
  if (screenshot) await saveScreenshot(page, screenshot);
}

async function spoken(page: Page): Promise<{ text: string; lang: string; rate: number }[]> {
  return page.evaluate(
    () => (window as unknown as { __spoken: { text: string; lang: string; rate: number }[] }).__spoken,
  );
}

async function kioskIntakeCount(texts: string[]): Promise<number> {
  const rows = await gateway.database.db
    .select({ id: intakes.id })
    .from(intakes)
    .where(and(eq(intakes.channel, 'kiosk'), inArray(intakes.text, texts)));
  return rows.length;
}

describe.each(LOCALES)('kiosk screens in %s', (locale) => {
  it('have no axe violations and elder-friendly sizes in every state', async () => {
    const { context, page } = await kioskContext(locale);
    try {
      await page.goto(`${gateway.baseUrl}/kiosk?lang=${locale}`);
      expect(await page.getAttribute('html', 'lang')).toBe(locale);
      await expect.poll(() => page.locator('#kiosk-read').isVisible()).toBe(true);
      await checkScreen(page, `${locale} start`, `kiosk-start-${locale}`);

      await page.locator('.k-big-action').first().click();
      await page.waitForURL(/\/kiosk\/topics/);
      expect(await page.locator('.k-card').count()).toBeGreaterThan(0);
      await checkScreen(page, `${locale} topics`, `kiosk-topics-${locale}`);

      await page.locator('.k-card a').first().click();
      await page.waitForURL(/\/kiosk\/topics\/T\d+/);
      await checkScreen(page, `${locale} opinion form`, `kiosk-opinion-${locale}`);

      await page.locator('button.k-submit').click();
      await expect.poll(() => page.locator('.k-error-summary').count()).toBe(1);
      expect(await page.evaluate(() => document.activeElement?.className)).toContain('k-error-summary');
      expect(await page.title()).toMatch(/^(错误：|錯誤：|Error: )/);
      await checkScreen(page, `${locale} opinion validation error`, `kiosk-opinion-error-${locale}`);

      await page.locator('label.k-choice-suggestion').click();
      await page.locator('#field-text').fill(`建议 ${locale}：晚上九点后停止施工`);
      await page.locator('button.k-submit').click();
      await expect.poll(() => page.locator('#kiosk-done').isVisible()).toBe(true);
      expect(await page.locator('#kiosk-done-text').textContent()).toContain('晚上九点后停止施工');
      await checkScreen(page, `${locale} opinion confirmation`, `kiosk-thanks-${locale}`);

      await page.goto(`${gateway.baseUrl}/kiosk/need?lang=${locale}&size=large`);
      await expect.poll(() => page.locator('.k-keypad').isVisible()).toBe(true);
      await checkScreen(page, `${locale} need form, extra-large text`, `kiosk-need-large-${locale}`);
    } finally {
      await context.close();
    }
  });

  it('asks "still there?" with a countdown of at least 20 s that passes axe', async () => {
    const { context, page } = await kioskContext(locale);
    try {
      await page.clock.install();
      await page.goto(`${gateway.baseUrl}/kiosk/need?lang=${locale}`);
      await page.locator('#field-text').fill('x');
      await page.clock.runFor(91_000);
      await expect.poll(() => page.locator('#kiosk-idle').isVisible()).toBe(true);
      expect(Number(await page.locator('#kiosk-countdown').textContent())).toBeGreaterThanOrEqual(20);
      await checkScreen(page, `${locale} still-there dialog`, `kiosk-idle-${locale}`);
      const said = await spoken(page);
      expect(said.at(-1)?.lang).toBe(SPEECH_LANG[locale]);
    } finally {
      await context.close();
    }
  });

  it('without script, the forms still work: server-side error and confirmation pass axe', async () => {
    const { context, page } = await kioskContext(locale, { withoutScript: true });
    try {
      await page.goto(`${gateway.baseUrl}/kiosk/need?lang=${locale}`);
      await page.locator('button.k-submit').click();
      await page.waitForLoadState('load');
      expect(await page.title()).toMatch(/^(错误：|錯誤：|Error: )/);
      await checkScreen(page, `${locale} need error without script`, `kiosk-need-error-noscript-${locale}`);
      const text = `<b>楼道灯坏了</b> ${locale}`;
      await page.locator('#field-text').fill(text);
      await page.locator('#field-where').fill('3号楼2单元');
      await page.locator('button.k-submit').click();
      await page.waitForLoadState('load');
      expect(await page.locator('.k-quote').textContent()).toContain(text);
      expect(await page.locator('.k-quote b').count()).toBe(0);
      await checkScreen(
        page,
        `${locale} need confirmation without script`,
        `kiosk-need-thanks-noscript-${locale}`,
      );
      expect(await kioskIntakeCount([text])).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('reads each screen aloud in its language, interruptibly, and confirms choices by voice', async () => {
    const { context, page } = await kioskContext(locale);
    try {
      await page.goto(`${gateway.baseUrl}/kiosk/topics?lang=${locale}&rate=slow`);
      const read = page.locator('#kiosk-read');
      await expect.poll(() => read.textContent()).toBe(READ_LABEL[locale]);
      await read.click();
      const said = await spoken(page);
      const heading = (await page.locator('h1').textContent()) ?? '';
      expect(said.map((s) => s.text).join('\n')).toContain(heading.trim());
      expect(said.map((s) => s.text).join('\n')).toContain(
        ((await page.locator('.k-card h2').first().textContent()) ?? '').trim(),
      );
      expect(new Set(said.map((s) => s.lang))).toEqual(new Set([SPEECH_LANG[locale]]));
      expect(said.every((s) => Math.abs(s.rate - 0.7) < 0.01)).toBe(true);
      // Each reading starts by silencing the previous one, so it can be interrupted and repeated.
      const cancels = () => page.evaluate(() => (window as unknown as { __cancels: number }).__cancels);
      const before = await cancels();
      await read.click();
      if ((await read.textContent()) !== READ_LABEL[locale]) await read.click();
      expect(await cancels()).toBeGreaterThan(before);

      await page.locator('.k-card a').first().click();
      await page.waitForURL(/\/kiosk\/topics\/T\d+/);
      await page.locator('label.k-choice-support').click();
      await expect.poll(async () => (await spoken(page)).at(-1)?.text).toMatch(/支持|Support/);
      await page.locator('label.k-choice-suggestion').click();
      await page.locator('button.k-submit').click();
      const error = (await page.locator('.k-error-summary li').first().textContent()) ?? '';
      await expect
        .poll(async () => (await spoken(page)).map((s) => s.text).join('\n'))
        .toContain(error.trim());
      expect((await spoken(page)).every((s) => s.lang === SPEECH_LANG[locale])).toBe(true);
    } finally {
      await context.close();
    }
  });
});

describe('idle reset', () => {
  it('after the countdown, wipes entered data, storage, language, text size and speech for the next person', async () => {
    const { context, page } = await kioskContext('en');
    try {
      await page.clock.install();
      await page.goto(`${gateway.baseUrl}/kiosk?lang=en&size=large&rate=slow`);
      await page.locator('a.k-need').click();
      await page.waitForURL(/\/kiosk\/need\?lang=en&size=large&rate=slow/);
      await page.locator('#field-text').fill('My private problem');
      await page.locator('.k-keypad button[data-key="3"]').click();
      expect(await page.locator('#field-where').inputValue()).toBe('3');
      expect((await spoken(page)).at(-1)?.text).toBe('3');
      await page.evaluate(() => {
        sessionStorage.setItem('draft', 'secret');
        localStorage.setItem('draft', 'secret');
      });

      // Not yet: a minute and a half of quiet first.
      await page.clock.runFor(80_000);
      expect(await page.locator('#kiosk-idle').isVisible()).toBe(false);
      await page.clock.runFor(11_000);
      await expect.poll(() => page.locator('#kiosk-idle').isVisible()).toBe(true);
      expect(Number(await page.locator('#kiosk-countdown').textContent())).toBeGreaterThanOrEqual(20);

      // "More time" keeps everything.
      await page.locator('#kiosk-more').click();
      expect(await page.locator('#kiosk-idle').isVisible()).toBe(false);
      expect(await page.locator('#field-text').inputValue()).toBe('My private problem');

      await page.clock.runFor(91_000);
      await expect.poll(() => page.locator('#kiosk-idle').isVisible()).toBe(true);
      await page.clock.runFor(10_000);
      expect(page.url()).toContain('/kiosk/need');
      await page.clock.runFor(21_000);
      await page.waitForURL(`${gateway.baseUrl}/kiosk`);

      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      expect(await page.getAttribute('html', 'class')).toBeNull();
      expect(await page.getAttribute('body', 'data-speech-rate')).toBe('1');
      expect(await page.getAttribute('body', 'data-pristine')).toBe('1');
      expect(await page.evaluate(() => [sessionStorage.length, localStorage.length])).toEqual([0, 0]);
      expect(await page.evaluate(() => window.speechSynthesis.speaking)).toBe(false);
      await page.locator('a.k-need').click();
      await page.waitForURL(/\/kiosk\/need$/);
      expect(await page.locator('#field-text').inputValue()).toBe('');
      expect(await page.locator('#field-where').inputValue()).toBe('');
      expect(await page.locator('body').textContent()).not.toContain('My private problem');
    } finally {
      await context.close();
    }
  });
});

describe('offline queue', () => {
  it('keeps submissions while offline, says how many wait, and delivers each exactly once', async () => {
    const { context, page } = await kioskContext('zh-CN');
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/kiosk/api/intakes'))
        posts.push(request.url());
    });
    try {
      await page.goto(`${gateway.baseUrl}/kiosk`);
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.goto(`${gateway.baseUrl}/kiosk/topics`);
      const links = await page
        .locator('.k-card a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(links.length).toBeGreaterThanOrEqual(2);
      // The service worker has kept the screens this one links to, so they open without a network.
      await expect
        .poll(() =>
          page.evaluate(
            async (hrefs) => {
              const hits = await Promise.all(hrefs.map((h) => caches.match(h ?? '')));
              return hits.every(Boolean);
            },
            links.slice(0, 2),
          ),
        )
        .toBe(true);

      await context.setOffline(true);
      const texts = [`离线意见一 ${Date.now()}`, `离线意见二 ${Date.now()}`];
      for (const [index, text] of texts.entries()) {
        await page.goto(`${gateway.baseUrl}${links[index]}`);
        await page.locator('label.k-choice-suggestion').click();
        await page.locator('#field-text').fill(text);
        await page.locator('button.k-submit').click();
        await expect.poll(() => page.locator('#kiosk-done-queued').isVisible()).toBe(true);
        await expect.poll(() => page.getAttribute('#kiosk-queue', 'data-count')).toBe(String(index + 1));
      }
      expect(await page.locator('#kiosk-queue').textContent()).toBe('2 条意见等待网络恢复后提交');
      await saveScreenshot(page, 'kiosk-offline-waiting');
      await expectNoViolations(page, 'zh-CN offline, two waiting');
      expect(await kioskIntakeCount(texts)).toBe(0);

      await context.setOffline(false);
      await expect.poll(() => page.getAttribute('#kiosk-queue', 'data-count'), { timeout: 20_000 }).toBe('0');
      expect(await kioskIntakeCount(texts)).toBe(2);
      const delivered = posts.length;

      await page.reload();
      await page.waitForLoadState('networkidle');
      await expect.poll(() => page.getAttribute('#kiosk-queue', 'data-count')).toBe('0');
      expect(posts.length).toBe(delivered);
      expect(await kioskIntakeCount(texts)).toBe(2);
    } finally {
      await context.close();
    }
  });
});
