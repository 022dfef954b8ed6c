/**
 * The proxy console in real Chromium, to the website's bar: axe (WCAG 2.2 AA + best practices,
 * target-size on) on every page and state in every locale and display mode, 7:1 contrast in
 * high-contrast mode, 24px body text in large mode, no sideways scrolling at 200% zoom and on a
 * 320-pixel phone, accessible names of the controls a screen reader announces, keyboard-only
 * recording, the read-back read aloud in the resident's language, the signature pad, the forms
 * without script, and the offline queue delivering exactly once.
 */
import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depsCtx, signInDirectly } from '../channels/console/console-test-kit.ts';
import { newSurvey, newTopic, THREE_QUESTIONS } from '../src/conversations/conversation-test-kit.ts';
import type { Ctx } from '../src/core/context.ts';
import { LOCALES, type Locale, proxyRecords, proxyVisits } from '../src/db/schema.ts';
import { addToVisitList } from '../src/proxy/add-to-visit-list.ts';
import { answerProxyConfirmation } from '../src/proxy/answer-proxy-confirmation.ts';
import { endProxyVisit } from '../src/proxy/end-proxy-visit.ts';
import {
  newCommunity,
  newResident,
  newStaffMember,
  submitRecord,
  visitFor,
} from '../src/proxy/proxy-test-kit.ts';
import { type AxeReport, runAxe } from './support/axe.ts';
import { launchBrowser } from './support/browser.ts';
import { saveScreenshot, writeAxeReport } from './support/report.ts';
import { type RunningGateway, startGateway } from './support/server.ts';

let gateway: RunningGateway;
let browser: Browser;
let system: Ctx;
let communityId: string;
let supervisorId: string;
let topicCode: string;
const reports: (AxeReport & { state: string })[] = [];

const MODES = [
  { name: 'default', query: '' },
  { name: 'large', query: 'text=large' },
  { name: 'contrast', query: 'contrast=high' },
] as const;
type Mode = (typeof MODES)[number];

const ERROR_PREFIX: Record<Locale, string> = { 'zh-CN': '错误：', 'zh-HK': '錯誤：', en: 'Error: ' };
const SPEECH_LANG: Record<Locale, string> = { 'zh-CN': 'zh-CN', 'zh-HK': 'zh-HK', en: 'en-US' };

/** Records what the page asks the speech engine to say, then lets the engine say it. */
const RECORD_SPEECH = `
  window.__spoken = [];
  if (window.speechSynthesis) {
    const engine = window.speechSynthesis;
    const speak = engine.speak.bind(engine);
    engine.speak = (u) => { window.__spoken.push({ text: u.text, lang: u.lang }); return speak(u); };
  }
`;

beforeAll(async () => {
  gateway = await startGateway();
  system = depsCtx(gateway.deps);
  communityId = (await newCommunity(gateway.database.db)).id;
  const writer = await newStaffMember(system, ['grid_worker'], {
    communityIds: [communityId],
    displayName: '王丽',
  });
  const colleague = await newStaffMember(system, ['grid_worker'], {
    communityIds: [communityId],
    displayName: '张强',
  });
  supervisorId = (await newStaffMember(system, ['supervisor'], { communityIds: [communityId] })).id;
  const topic = await newTopic(gateway.database.db, 'published');
  topicCode = topic.code;
  await newTopic(gateway.database.db, 'deliberating');
  const evaluating = await newTopic(gateway.database.db, 'evaluating');
  await newSurvey(gateway.database.db, THREE_QUESTIONS, evaluating.id);

  // Something on every list: a disputed record (supervision), one awaiting a second visit, one to hear.
  const as = (m: { ctx: Ctx }) => ({ ...m.ctx, clock: gateway.deps.clock });
  const disputedFor = await newResident(system, { communityId, name: '周奶奶' });
  const v1 = await visitFor(as(writer), disputedFor.id);
  const disputed = await submitRecord(as(writer), v1, {
    kind: 'opinion',
    topic: topic.code,
    choice: 'support',
  });
  await endProxyVisit(as(writer), { visitId: v1.id });
  await answerProxyConfirmation(
    { ...system, actor: { type: 'resident', via: 'sms', residentId: disputedFor.id } },
    { proxyRecordId: disputed.record.id, answer: 'disputed', via: 'sms' },
  );
  const noPhone = await newResident(system, { communityId, name: '陈伯', phone: null });
  const v2 = await visitFor(as(colleague), noPhone.id, {
    consentKind: 'signature',
    consentSignature: 'M100 300 L200 100 L300 300 L400 120 L500 280',
  });
  await submitRecord(as(colleague), v2, { kind: 'need', text: '楼道灯坏了', place: '5号楼' });
  await endProxyVisit(as(colleague), { visitId: v2.id });
  await addToVisitList(system, {
    residentId: (await newResident(system, { communityId, name: '吴阿姨' })).id,
    reason: 'under_heard',
    topicId: topic.id,
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  writeAxeReport('proxy-console', reports);
  await browser?.close();
  await gateway?.stop();
});

/** A browser signed in as a new staff member with these roles, its clock set to the gateway's. */
async function signedIn(
  roles: ('grid_worker' | 'supervisor')[],
  options: {
    locale?: Locale;
    viewport?: { width: number; height: number };
    withoutScript?: boolean;
    staffId?: string;
  } = {},
): Promise<{ context: BrowserContext; page: Page; staffId: string }> {
  const staffId =
    options.staffId ??
    (await newStaffMember(system, roles, { communityIds: [communityId], displayName: '王丽' })).id;
  const { cookie } = await signInDirectly(gateway.deps, staffId);
  const [name, value] = cookie.split('=') as [string, string];
  const context = await browser.newContext({
    locale: options.locale ?? 'zh-CN',
    viewport: options.viewport ?? { width: 1280, height: 900 },
  });
  await context.addCookies([{ name, value, url: gateway.baseUrl, httpOnly: true, sameSite: 'Lax' }]);
  if (options.withoutScript) await context.route('**/assets/proxy.js*', (route) => route.abort());
  await context.addInitScript(RECORD_SPEECH);
  const page = await context.newPage();
  // Records made offline carry the phone's clock: keep it on the gateway's (test) time.
  await page.clock.setFixedTime(gateway.deps.clock.now());
  return { context, page, staffId };
}

async function open(page: Page, path: string, mode?: Mode, locale?: Locale): Promise<void> {
  const params = [locale ? `lang=${locale}` : '', mode?.query ?? ''].filter(Boolean).join('&');
  await page.goto(`${gateway.baseUrl}${path}${params ? `${path.includes('?') ? '&' : '?'}${params}` : ''}`);
}

async function submitAndWait(page: Page, submit: () => Promise<void>): Promise<void> {
  await Promise.all([page.waitForEvent('framenavigated'), submit()]);
  await page.waitForLoadState('load');
}

async function check(page: Page, state: string, mode: Mode = MODES[0]): Promise<void> {
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

async function expectErrorFocus(page: Page, locale: Locale, state: string, mode: Mode): Promise<void> {
  expect((await page.title()).startsWith(ERROR_PREFIX[locale]), state).toBe(true);
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.classList.contains('error-summary')))
    .toBe(true);
  await check(page, state, mode);
}

async function spoken(page: Page): Promise<{ text: string; lang: string }[]> {
  return page.evaluate(() => (window as unknown as { __spoken: { text: string; lang: string }[] }).__spoken);
}

/** Starts a visit for a new resident through the form (verbal consent), in the resident's language. */
async function startVisit(page: Page, residentLocale: Locale = 'zh-CN'): Promise<string> {
  const resident = await newResident(system, { communityId, name: '李阿姨', locale: residentLocale });
  await open(page, `/proxy/visits/new?resident=${resident.id}`);
  await page.locator('input[name=reason][value=mobility]').check();
  await page.locator(`input[name=locale][value="${residentLocale}"]`).check();
  await page.locator('input[name=consentKind][value=verbal]').check();
  await submitAndWait(page, () => page.locator('form[data-visit-start] button[type=submit]').click());
  await page.waitForURL(/\/proxy\/visit$/);
  return resident.id;
}

async function recordsOf(staffId: string) {
  return gateway.database.db.select().from(proxyRecords).where(eq(proxyRecords.proxyStaffId, staffId));
}

describe.each(LOCALES)('proxy console in %s', (locale) => {
  describe.each(MODES)('$name display', (mode) => {
    it('every page and state has no axe violations', async () => {
      const { context, page } = await signedIn(['grid_worker'], { locale });
      const state = (s: string) => `${locale} ${mode.name} ${s}`;
      try {
        await open(page, '/proxy', mode, locale);
        expect(await page.getAttribute('html', 'lang')).toBe(locale);
        await check(page, state('home'), mode);

        await open(page, '/proxy/residents');
        await check(page, state('find'), mode);
        await submitAndWait(page, () => page.locator('form.search-form button[type=submit]').click());
        await expectErrorFocus(page, locale, state('find error'), mode);
        await page.locator('#field-name').fill('阿姨');
        await submitAndWait(page, () => page.locator('form.search-form button[type=submit]').click());
        expect(await page.getByRole('status').count()).toBeGreaterThan(0);
        await check(page, state('find results'), mode);

        await open(page, '/proxy/residents/new');
        await check(page, state('register'), mode);
        await submitAndWait(page, () => page.locator('main form button[type=submit]').click());
        await expectErrorFocus(page, locale, state('register error'), mode);

        const resident = await newResident(system, { communityId, name: '李阿姨' });
        await open(page, `/proxy/visits/new?resident=${resident.id}`);
        await expect.poll(() => page.locator('[data-signature-pad]').isVisible()).toBe(true);
        await check(page, state('start visit'), mode);
        if (mode.name === 'default') await saveScreenshot(page, `proxy-start-${locale}`);
        await submitAndWait(page, () => page.locator('form[data-visit-start] button[type=submit]').click());
        await expectErrorFocus(page, locale, state('start visit error'), mode);

        await page.locator('input[name=reason][value=hearing]').check();
        await page.locator('#field-interpreterName').fill('张手语');
        await page.locator('input[name=consentKind][value=verbal]').check();
        await submitAndWait(page, () => page.locator('form[data-visit-start] button[type=submit]').click());
        await page.waitForURL(/\/proxy\/visit$/);
        await check(page, state('visit'), mode);
        if (mode.name === 'default') await saveScreenshot(page, `proxy-visit-${locale}`);

        // The script's own checks, then the read-back.
        await page.locator('form[data-proxy-form=opinion] button[type=submit]').click();
        await expect
          .poll(() => page.evaluate(() => document.activeElement?.classList.contains('error-summary')))
          .toBe(true);
        expect((await page.title()).startsWith(ERROR_PREFIX[locale])).toBe(true);
        await check(page, state('visit client error'), mode);
        await page.locator('#field-opinion-topic').selectOption(topicCode);
        await page.locator('#field-opinion-choice').check();
        await page.locator('form[data-proxy-form=opinion] button[type=submit]').click();
        await expect.poll(() => page.locator('#proxy-readback').isVisible()).toBe(true);
        await check(page, state('read-back'), mode);
        if (mode.name === 'default') await saveScreenshot(page, `proxy-readback-${locale}`);
        await page.locator('#field-readBackConfirmed').check();
        await page.locator('#proxy-readback-submit').click();
        await expect.poll(() => page.locator('#proxy-status').textContent()).not.toBe('');
        await check(page, state('submitted'), mode);

        const [record] = await gateway.database.db
          .select()
          .from(proxyRecords)
          .where(eq(proxyRecords.residentId, resident.id));
        await open(page, `/proxy/records/${record?.id}`);
        await check(page, state('record'), mode);

        await open(page, '/proxy');
        await check(page, state('home with lists'), mode);
        const second = page.locator('a[href^="/proxy/second-visits/"]').first();
        await open(page, (await second.getAttribute('href')) ?? '');
        await check(page, state('second visit'), mode);
      } finally {
        await context.close();
      }
    }, 180_000);

    it('supervision and the forms without script have no axe violations', async () => {
      const supervisor = await signedIn(['supervisor'], { locale, staffId: supervisorId });
      const state = (s: string) => `${locale} ${mode.name} ${s}`;
      try {
        await open(supervisor.page, '/proxy/supervision', mode, locale);
        await check(supervisor.page, state('supervision'), mode);
        if (mode.name === 'default') await saveScreenshot(supervisor.page, `proxy-supervision-${locale}`);
        await submitAndWait(supervisor.page, () =>
          supervisor.page.locator('.alert-card form button[type=submit]').first().click(),
        );
        await expectErrorFocus(supervisor.page, locale, state('supervision note missing'), mode);
      } finally {
        await supervisor.context.close();
      }
      const { context, page } = await signedIn(['grid_worker'], { locale, withoutScript: true });
      try {
        await open(page, '/proxy', mode, locale);
        await startVisit(page);
        await page.locator('#field-need-text').fill('电梯经常坏');
        await submitAndWait(page, () =>
          page.locator('form[data-proxy-form=need] button[type=submit]').click(),
        );
        await check(page, state('read-back page without script'), mode);
        await submitAndWait(page, () => page.locator('main form button[type=submit]').click());
        await expectErrorFocus(page, locale, state('read-back page not confirmed'), mode);
        await page.locator('#field-readBackConfirmed').check();
        await submitAndWait(page, () => page.locator('main form button[type=submit]').click());
        await page.waitForURL(/\/proxy\/visit\?done=/);
        expect(await page.getByRole('status').first().textContent()).toBeTruthy();
        await check(page, state('submitted without script'), mode);
      } finally {
        await context.close();
      }
    }, 120_000);
  });
});

describe('read-back', () => {
  it.each(LOCALES)(
    'reads exactly what will be submitted, aloud, in the resident’s language (%s)',
    async (residentLocale) => {
      const { context, page, staffId } = await signedIn(['grid_worker']);
      try {
        await open(page, '/proxy');
        await startVisit(page, residentLocale);
        await page.locator('#field-need-text').fill('楼道灯坏了');
        await page.locator('#field-need-place').fill('5号楼');
        await page.locator('form[data-proxy-form=need] button[type=submit]').click();
        await expect.poll(() => page.locator('#proxy-readback').isVisible()).toBe(true);
        const shown = (await page.locator('#proxy-readback-text').textContent()) ?? '';
        expect(await page.getAttribute('#proxy-readback-text', 'lang')).toBe(residentLocale);
        // Large text: what the resident may read over the proxy's shoulder.
        const size = await page.evaluate(() =>
          Number.parseFloat(
            getComputedStyle(document.getElementById('proxy-readback-text') as Element).fontSize,
          ),
        );
        expect(size).toBeGreaterThanOrEqual(24);
        const said = await spoken(page);
        expect(said.map((s) => s.text).join('\n')).toBe(shown);
        expect(new Set(said.map((s) => s.lang))).toEqual(new Set([SPEECH_LANG[residentLocale]]));
        // Not submitted until the proxy says it was read back.
        await page.locator('#proxy-readback-submit').click();
        await expect.poll(() => page.locator('#proxy-readback-field .field-error').count()).toBe(1);
        expect(await recordsOf(staffId)).toHaveLength(0);
        await page.locator('#field-readBackConfirmed').check();
        await page.locator('#proxy-readback-submit').click();
        await expect.poll(async () => (await recordsOf(staffId)).length).toBe(1);
        const [stored] = await recordsOf(staffId);
        expect(stored?.readBackText).toBe(shown);
        expect(stored?.readBackLocale).toBe(residentLocale);
      } finally {
        await context.close();
      }
    },
  );
});

describe('keyboard only', () => {
  it('starts a visit and records an opinion with the keyboard alone', async () => {
    const { context, page, staffId } = await signedIn(['grid_worker']);
    const resident = await newResident(system, { communityId, name: '孙大爷' });
    const tabTo = async (selector: string, max = 80) => {
      for (let i = 0; i < max; i += 1) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    try {
      await open(page, `/proxy/visits/new?resident=${resident.id}`);
      await tabTo('input[name=reason]');
      await page.keyboard.press('Space');
      await tabTo('input[name=consentKind]');
      await page.keyboard.press('Space');
      await tabTo('form[data-visit-start] button[type=submit]');
      await submitAndWait(page, () => page.keyboard.press('Enter'));
      await page.waitForURL(/\/proxy\/visit$/);
      await tabTo('#field-opinion-topic');
      await page.keyboard.press('ArrowDown');
      await tabTo('input[name=choice]');
      await page.keyboard.press('Space');
      await tabTo('#field-opinion-text');
      await page.keyboard.type('支持');
      await tabTo('form[data-proxy-form=opinion] button[type=submit]');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('proxy-readback-title');
      await tabTo('#field-readBackConfirmed');
      await page.keyboard.press('Space');
      await tabTo('#proxy-readback-submit');
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await recordsOf(staffId)).length).toBe(1);
    } finally {
      await context.close();
    }
  });
});

describe('screen-reader names', () => {
  it('names the controls and regions a screen reader announces', async () => {
    const { context, page } = await signedIn(['grid_worker']);
    try {
      await open(page, '/proxy?lang=zh-CN');
      const residentId = await newResident(system, { communityId, name: '李阿姨' });
      await open(page, `/proxy/visits/new?resident=${residentId.id}`);
      expect(await page.getByRole('img', { name: '居民签名' }).count()).toBe(1);
      expect(await page.getByRole('button', { name: '清除签名' }).count()).toBe(1);
      expect(
        (await page.getByRole('radiogroup', { name: '为什么需要代笔？' }).count()) +
          (await page.getByRole('group', { name: '为什么需要代笔？' }).count()),
      ).toBe(1);
      await page.locator('input[name=reason][value=mobility]').check();
      await page.locator('input[name=consentKind][value=verbal]').check();
      await submitAndWait(page, () => page.locator('form[data-visit-start] button[type=submit]').click());
      expect(await page.getByRole('navigation', { name: '要记录的内容' }).count()).toBe(1);
      expect(await page.getByRole('combobox', { name: '议题' }).count()).toBeGreaterThan(0);
      await page.locator('#field-need-text').fill('路灯不亮');
      await page.locator('form[data-proxy-form=need] button[type=submit]').click();
      expect(await page.getByRole('region', { name: '请读给李阿姨听' }).count()).toBe(1);
      expect(await page.getByRole('button', { name: '朗读' }).count()).toBe(1);
      expect(await page.getByRole('checkbox', { name: '我已读给李阿姨听，居民同意提交' }).count()).toBe(1);
      await page.locator('#field-readBackConfirmed').check();
      await page.locator('#proxy-readback-submit').click();
      // Announced without moving focus away from where the proxy is.
      await expect
        .poll(() => page.getByRole('status').filter({ hasText: '已提交' }).count())
        .toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });
});

describe('signature', () => {
  it('is drawn with a finger or mouse and kept with the visit as a drawing', async () => {
    const { context, page, staffId } = await signedIn(['grid_worker']);
    const resident = await newResident(system, { communityId });
    try {
      await open(page, `/proxy/visits/new?resident=${resident.id}`);
      await page.locator('input[name=reason][value=visual]').check();
      await page.locator('input[name=consentKind][value=signature]').check();
      const box = await page.locator('[data-signature-surface]').boundingBox();
      if (!box) throw new Error('no signature surface');
      await page.mouse.move(box.x + 20, box.y + 20);
      await page.mouse.down();
      for (let i = 1; i <= 10; i += 1) await page.mouse.move(box.x + 20 + i * 25, box.y + 20 + (i % 2) * 60);
      await page.mouse.up();
      expect(await page.locator('input[name=consentSignature]').inputValue()).toMatch(
        /^M\d+ \d+( L\d+ \d+){3,}$/,
      );
      await submitAndWait(page, () => page.locator('form[data-visit-start] button[type=submit]').click());
      await page.waitForURL(/\/proxy\/visit$/);
      const [visit] = await gateway.database.db
        .select()
        .from(proxyVisits)
        .where(and(eq(proxyVisits.proxyStaffId, staffId), eq(proxyVisits.residentId, resident.id)));
      expect(visit?.consentSignature).toMatch(/^M\d+ \d+( L\d+ \d+){3,}$/);
    } finally {
      await context.close();
    }
  });
});

describe('200% zoom, large text and a 320-pixel phone', () => {
  it.each([
    { width: 640, height: 800, text: 'large' },
    { width: 320, height: 640, text: 'standard' },
    { width: 320, height: 640, text: 'large' },
  ])('nothing scrolls sideways at $width px with $text text', async ({ width, height, text }) => {
    const { context, page } = await signedIn(['grid_worker'], { viewport: { width, height } });
    try {
      await open(page, `/proxy?text=${text}`);
      const residentId = await startVisit(page);
      await page.locator('#field-need-text').fill('楼道灯坏了很久了，晚上回家很不方便');
      await page.locator('form[data-proxy-form=need] button[type=submit]').click();
      await expect.poll(() => page.locator('#proxy-readback').isVisible()).toBe(true);
      for (const state of ['read-back']) {
        const widths = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
        }));
        expect(widths.scroll, `${state}: ${JSON.stringify(widths)}`).toBeLessThanOrEqual(widths.client);
      }
      for (const path of [
        '/proxy',
        '/proxy/visit',
        '/proxy/residents',
        `/proxy/visits/new?resident=${residentId}`,
      ]) {
        await open(page, path);
        const widths = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
        }));
        expect(widths.scroll, `${path}: ${JSON.stringify(widths)}`).toBeLessThanOrEqual(widths.client);
      }
      await saveScreenshot(page, `proxy-${width}-${text}`);
    } finally {
      await context.close();
    }
  });
});

describe('offline', () => {
  it('keeps records made without signal on the phone and delivers each exactly once', async () => {
    const { context, page, staffId } = await signedIn(['grid_worker'], {
      viewport: { width: 390, height: 844 },
    });
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/proxy/api/records'))
        posts.push(request.url());
    });
    try {
      await open(page, '/proxy');
      await startVisit(page);
      await context.setOffline(true);
      const texts = ['离线记录一：楼道灯坏了', '离线记录二：垃圾没人收'];
      for (const [index, text] of texts.entries()) {
        await page.locator('#field-need-text').fill(text);
        await page.locator('form[data-proxy-form=need] button[type=submit]').click();
        await expect.poll(() => page.locator('#proxy-readback').isVisible()).toBe(true);
        await page.locator('#field-readBackConfirmed').check();
        await page.locator('#proxy-readback-submit').click();
        await expect.poll(() => page.getAttribute('#proxy-pending', 'data-count')).toBe(String(index + 1));
      }
      expect(await page.locator('#proxy-status').textContent()).toContain(texts[1]);
      await check(page, 'offline, two waiting');
      await saveScreenshot(page, 'proxy-offline-waiting');
      expect(await recordsOf(staffId)).toHaveLength(0);

      await context.setOffline(false);
      await expect
        .poll(() => page.getAttribute('#proxy-pending', 'data-count'), { timeout: 20_000 })
        .toBe('0');
      const stored = await recordsOf(staffId);
      expect(stored.map((r) => r.text).sort()).toEqual([...texts].sort());
      const delivered = posts.length;

      await page.reload();
      await page.waitForLoadState('networkidle');
      await expect.poll(() => page.getAttribute('#proxy-pending', 'data-count')).toBe('0');
      expect(posts.length).toBe(delivered);
      expect(await recordsOf(staffId)).toHaveLength(2);
      expect(await page.locator('.record-list').textContent()).toContain(texts[0]);
    } finally {
      await context.close();
    }
  });
});
