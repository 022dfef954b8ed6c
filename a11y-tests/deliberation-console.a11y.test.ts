/**
 * The deliberation console in real Chromium: axe (WCAG 2.2 AA + best practices, target-size on) on
 * every screening, topic, meeting and vote page in every locale, in first view and after a validation
 * error; the error summary takes focus and leads to the field.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depsCtx, makeStaff, TEST_PASSWORD } from '../channels/console/console-test-kit.ts';
import { LOCALES } from '../src/db/schema.ts';
import { addParticipant } from '../src/deliberation/add-participant.ts';
import { closeVote } from '../src/deliberation/close-vote.ts';
import { newCommunity, residentsIn, sendNeed } from '../src/deliberation/deliberation-test-kit.ts';
import { openMeeting } from '../src/deliberation/open-meeting.ts';
import { openVote } from '../src/deliberation/open-vote.ts';
import { publishTopicAndNotify } from '../src/deliberation/publish-topic-and-notify.ts';
import { recordAttendance } from '../src/deliberation/record-attendance.ts';
import { recordBallots } from '../src/deliberation/record-ballots.ts';
import { recordMinutes } from '../src/deliberation/record-minutes.ts';
import { recordSpeakingTurn } from '../src/deliberation/record-speaking-turn.ts';
import { scheduleMeeting } from '../src/deliberation/schedule-meeting.ts';
import { getI18n } from '../src/i18n/i18n.ts';
import { createTopicFromNeeds } from '../src/screening/create-topic-from-needs.ts';
import { type AxeReport, runAxe } from './support/axe.ts';
import { launchBrowser } from './support/browser.ts';
import { saveScreenshot, writeAxeReport } from './support/report.ts';
import { type RunningGateway, startGateway } from './support/server.ts';

let gateway: RunningGateway;
let browser: Browser;
let username: string;
const reports: (AxeReport & { state: string })[] = [];
const paths: Record<string, string> = {};

beforeAll(async () => {
  gateway = await startGateway();
  browser = await launchBrowser();
  const deps = gateway.deps;
  const ctx = depsCtx(deps);
  const env = { i18n: getI18n(), defaultLocale: deps.config.defaultLocale, senders: {} };
  const TZ = deps.config.timeZone;
  deps.clock.set('2026-09-18T02:00:00Z');
  const place = await newCommunity(gateway.database.db);
  const people = await residentsIn(ctx, place, 0, 12);
  const at = (i: number) => new Date(Date.UTC(2026, 8, 10, 1, i));
  const texts = [
    '3号楼都是老人，爬六楼太难了，希望加装电梯',
    '我们楼没有电梯，腿脚不好上下楼很困难，建议装电梯',
    '老旧小区加装电梯的事什么时候能落实？',
    '晚上回来小区停车位太少，车只能停在消防通道',
    '车位不够，经常找不到地方停车',
    '楼道灯坏了好几天了',
  ];
  const ids: string[] = [];
  for (const [i, text] of texts.entries()) ids.push(await sendNeed(ctx, people[i] as string, text, at(i)));

  const { topic } = await createTopicFromNeeds(ctx, {
    needIds: ids.slice(0, 3),
    title: { 'zh-CN': '3号楼加装电梯', 'zh-HK': '3號樓加裝升降機', en: 'A lift for Block 3' },
    summary: {
      'zh-CN': '居民希望3号楼加装电梯。',
      'zh-HK': '居民希望3號樓加裝升降機。',
      en: 'Residents ask for a lift.',
    },
  });
  await publishTopicAndNotify(ctx, { topicId: topic.id, timeZone: TZ }, env);
  const { meeting } = await scheduleMeeting(
    ctx,
    {
      topicId: topic.id,
      date: '2026-09-30',
      time: '14:30',
      place: '社区服务中心一楼议事厅',
      venueFeatures: ['step_free', 'hearing_loop'],
      onlineUrl: 'https://live.example.org/t',
      timeZone: TZ,
    },
    env,
  );
  const { topic: screened } = await createTopicFromNeeds(ctx, {
    needIds: ids.slice(3, 5),
    title: { 'zh-CN': '夜间停车难' },
    summary: { 'zh-CN': '夜间车位不足。' },
  });

  deps.clock.set('2026-09-30T06:30:00Z');
  await openMeeting(ctx, { meetingId: meeting.id, timeZone: TZ });
  const add = (name: string, participantGroup: string, voterClass = '', panelMember = true) =>
    addParticipant(ctx, { meetingId: meeting.id, name, participantGroup, voterClass, panelMember });
  const convener = await add('李书记', 'convener');
  const wang = await add('王大爷', 'resident', '1楼');
  const sun = await add('孙女士', 'resident', '5楼');
  const wu = await add('吴律师', 'professional');
  await add('陈科长', 'department', '', false);
  await recordAttendance(ctx, {
    meetingId: meeting.id,
    entries: [
      { participantId: convener.id, attendance: 'in_person' },
      { participantId: wang.id, attendance: 'in_person' },
      { participantId: sun.id, attendance: 'proxied', proxyName: '孙女士的儿子' },
      { participantId: wu.id, attendance: 'remote' },
    ],
  });
  const counted = await openVote(ctx, {
    meetingId: meeting.id,
    question: '是否同意加装电梯',
    method: 'weighted',
    weights: '1楼 = 3',
  });
  await recordBallots(ctx, {
    voteId: counted.id,
    ballots: [
      { participantId: wang.id, choice: 'against' },
      { participantId: sun.id, choice: 'for' },
      { participantId: wu.id, choice: 'abstain' },
    ],
  });
  await closeVote(ctx, { voteId: counted.id });
  const open = await openVote(ctx, {
    meetingId: meeting.id,
    question: '是否同意修改补偿方案',
    method: 'majority',
  });
  await recordSpeakingTurn(ctx, { meetingId: meeting.id, participantId: wang.id, minutes: 5, seconds: 0 });
  await recordSpeakingTurn(ctx, { meetingId: meeting.id, participantId: wu.id, minutes: 1, seconds: 30 });
  await recordMinutes(ctx, {
    meetingId: meeting.id,
    discussion: '王大爷担心噪音。',
    decision: '补偿方案修改后再议。',
  });

  // The result is due on 15 October; on the 16th it is overdue.
  deps.clock.set('2026-10-16T02:00:00Z');
  username = (await makeStaff(deps, ['community_secretary'])).username;
  Object.assign(paths, {
    screening: '/console/screening',
    theme: `/console/screening/themes/${ids[5]}`,
    report: '/console/screening/reports/new',
    topics: '/console/topics',
    topic: `/console/topics/${topic.id}`,
    publish: `/console/topics/${screened.id}/publish`,
    schedule: `/console/topics/${topic.id}/meetings/new`,
    meeting: `/console/meetings/${meeting.id}`,
    vote: `/console/votes/${open.id}`,
    result: `/console/topics/${topic.id}/result`,
  });
}, 120_000);

afterAll(async () => {
  writeAxeReport('deliberation-console', reports);
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

describe.each(LOCALES)('deliberation console in %s', (locale) => {
  it('every page has no axe violations', async () => {
    const { context, page } = await signedIn(locale);
    try {
      for (const [name, path] of Object.entries(paths)) {
        await page.goto(`${gateway.baseUrl}${path}`);
        expect(await page.getAttribute('html', 'lang'), name).toBe(locale);
        expect(await page.locator('h1').count(), name).toBe(1);
        await expectNoViolations(page, `${locale} ${name}`);
        if (locale === 'zh-CN') await saveScreenshot(page, `deliberation-${name}`);
      }
    } finally {
      await context.close();
    }
  });

  it('forms after a validation error have no axe violations', async () => {
    const { context, page } = await signedIn(locale);
    try {
      for (const [name, button] of [
        ['theme', 'form[action$="/topics"] button[type=submit]'],
        ['report', 'form[action$="/reports"] button[type=submit]'],
        ['schedule', 'form[action$="/meetings"] button[type=submit]'],
        ['meeting', 'form[action$="/votes"] button[type=submit]'],
      ] as const) {
        await page.goto(`${gateway.baseUrl}${paths[name]}`);
        if (name === 'theme') await page.locator('input[type=checkbox][name="needIds"]').uncheck();
        await submitAndWait(page, () => page.locator(button).click());
        expect(await page.locator('.error-summary').count(), name).toBe(1);
        await expectNoViolations(page, `${locale} ${name} validation error`);
      }
    } finally {
      await context.close();
    }
  });
});

describe('keyboard use', () => {
  it('an empty topic form moves focus to the error summary, whose link leads to the field', async () => {
    const { context, page } = await signedIn('zh-CN');
    try {
      await page.goto(`${gateway.baseUrl}${paths.report}`);
      await page.locator('form[action$="/reports"] button[type=submit]').focus();
      await submitAndWait(page, () => page.keyboard.press('Enter'));
      expect(await page.title()).toMatch(/^错误：/);
      await expect.poll(() => page.locator(':focus').getAttribute('class')).toContain('error-summary');
      await page.locator('.error-summary a').first().focus();
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
        .toBe('origin');
    } finally {
      await context.close();
    }
  });
});
