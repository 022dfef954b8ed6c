import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { deliveries, residents } from '../../src/db/schema.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import {
  csrfFieldIn,
  makeStaff,
  setCookies,
  signInDirectly,
  signInThroughForm,
  TEST_PASSWORD,
} from './console-test-kit.ts';

let database: TestDatabase;
let deps: TestAppDeps;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = createTestAppDeps(database);
  app = createApp(deps);
});
afterAll(async () => {
  await deps.close();
  await database.close();
});

const html = { accept: 'text/html' };

function count(haystack: string, needle: RegExp): number {
  return haystack.match(new RegExp(needle.source, 'g'))?.length ?? 0;
}

describe('sign-in page', () => {
  it('is an accessible form in the default language', async () => {
    const res = await app.request('/staff/login', { headers: html });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('<title>工作人员登录 – 民生议事堂</title>');
    expect(count(page, /<h1[ >]/)).toBe(1);
    expect(page).toContain('<a class="skip-link" href="#main">');
    for (const landmark of ['<header', '<main id="main"', '<footer', '<nav class="lang-switcher"']) {
      expect(page).toContain(landmark);
    }
    expect(page).toContain('<label for="field-username">用户名</label>');
    expect(page).toContain('<label for="field-password">密码</label>');
    expect(page).toContain('autocomplete="current-password"');
    expect(page).not.toContain('<script');
    expect(page).not.toContain('style=');
  });

  it('switches language with ?lang= and remembers it in a cookie', async () => {
    const first = await app.request('/staff/login?lang=zh-HK', { headers: html });
    const page = await first.text();
    expect(page).toContain('<html lang="zh-HK">');
    expect(page).toContain('職員登入');
    const lang = setCookies(first).get('lang');
    expect(lang?.value).toBe('zh-HK');
    const again = await app.request('/staff/login', { headers: { ...html, cookie: 'lang=zh-HK' } });
    expect(await again.text()).toContain('<html lang="zh-HK">');
  });

  it('follows Accept-Language when no language was chosen', async () => {
    const res = await app.request('/staff/login', {
      headers: { ...html, 'accept-language': 'en-GB,en;q=0.8' },
    });
    const page = await res.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<title>Staff sign in – Community Deliberation Hall</title>');
  });
});

describe('signing in and out', () => {
  it('signs in through the form and lands on the page asked for', async () => {
    await makeStaff(deps, ['supervisor'], { username: 'happy-sup', displayName: '周督办' });
    const { res, sessionCookie } = await signInThroughForm(app, deps, {
      username: 'happy-sup',
      password: TEST_PASSWORD,
      next: '/console/audit',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/audit');
    expect(sessionCookie).toBeDefined();
    const audit = await app.request('/console/audit', { headers: { ...html, cookie: sessionCookie ?? '' } });
    expect(audit.status).toBe(200);
  });

  it('shows the console home with who is signed in, their roles in words and their sections', async () => {
    const member = await makeStaff(deps, ['community_secretary', 'grid_worker'], { displayName: '陈书记' });
    const { cookie } = await signInDirectly(deps, member.id);
    const res = await app.request('/console', { headers: { ...html, cookie } });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('陈书记');
    expect(page).toContain(member.username);
    expect(page).toContain('<li>社区书记</li>');
    expect(page).toContain('<li>网格员</li>');
    expect(page).toContain('href="/console/outbox"');
    expect(page).not.toContain('href="/console/audit"');
    expect(page).toContain('action="/staff/logout"');
    expect(count(page, /<h1[ >]/)).toBe(1);
  });

  it('signs out: the session ends and the sign-in page says so', async () => {
    const member = await makeStaff(deps, ['grid_worker']);
    const { cookie } = await signInDirectly(deps, member.id);
    const home = await (await app.request('/console', { headers: { ...html, cookie } })).text();
    const res = await app.request('/staff/logout', {
      method: 'POST',
      headers: { ...html, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfFieldIn(home) }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/login?signedOut=1');
    expect(setCookies(res).get('staff_session')?.value).toBe('');
    const after = await app.request('/console', { headers: { ...html, cookie } });
    expect(after.status).toBe(302);
    const notice = await app.request('/staff/login?signedOut=1', { headers: html });
    expect(await notice.text()).toContain('您已退出登录。');
  });
});

describe('outbox', () => {
  it('lists every message newest first with status in words, resident id, channel and body', async () => {
    const [resident] = await database.db.insert(residents).values({ name: '居民甲' }).returning();
    if (!resident) throw new Error('no resident');
    const rows = Array.from({ length: 30 }, (_, i) => ({
      channel: i % 2 ? ('voice' as const) : ('sms' as const),
      residentId: resident.id,
      locale: 'zh-CN' as const,
      body: `第${i}条通知：议题T${i}已公示`,
      status: (['held_no_credentials', 'queued', 'sent', 'failed'] as const)[i % 4] ?? 'queued',
      error: i % 4 === 3 ? 'number unreachable' : null,
      purpose: `test:${i}`,
      createdAt: new Date(Date.UTC(2026, 10, 1, 0, i)),
    }));
    await database.db.insert(deliveries).values(rows);
    const admin = await makeStaff(deps, ['admin']);
    const { cookie } = await signInDirectly(deps, admin.id);

    const first = await (await app.request('/console/outbox', { headers: { ...html, cookie } })).text();
    expect(first).toContain('消息总数：30');
    expect(count(first, /<tr>/)).toBe(1 + 25);
    expect(first.indexOf('第29条通知')).toBeLessThan(first.indexOf('第28条通知'));
    expect(first).not.toContain('第4条通知');
    expect(first).toContain('未发送：已暂存在本系统（未配置短信服务）');
    expect(first).toContain('发送失败，居民未收到');
    expect(first).toContain('原因：number unreachable');
    expect(first).toContain('语音电话');
    expect(first).toContain(resident.id);
    expect(first).toContain('第 1 页，共 2 页');
    expect(first).toContain('href="/console/outbox?page=2"');

    const second = await (
      await app.request('/console/outbox?page=2', { headers: { ...html, cookie } })
    ).text();
    expect(count(second, /<tr>/)).toBe(1 + 5);
    expect(second).toContain('第0条通知');
    expect(second).toContain('href="/console/outbox?page=1"');
  });

  it('warns prominently that nothing is sent while Twilio is not configured', async () => {
    const admin = await makeStaff(deps, ['admin']);
    const { cookie } = await signInDirectly(deps, admin.id);
    const page = await (
      await app.request('/console/outbox?lang=en', { headers: { ...html, cookie } })
    ).text();
    expect(page).toContain('class="banner-warning"');
    expect(page).toContain('Messages are NOT being sent');
    expect(page).toContain('has NOT been sent');
  });

  it('shows no such warning when Twilio is configured', async () => {
    const configured = createTestAppDeps(database, {
      env: { TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'token' },
    });
    try {
      const admin = await makeStaff(configured, ['admin']);
      const { cookie } = await signInDirectly(configured, admin.id);
      const res = await createApp(configured).request('/console/outbox', { headers: { ...html, cookie } });
      expect(res.status).toBe(200);
      expect(await res.text()).not.toContain('banner-warning');
    } finally {
      await configured.close();
    }
  });
});

describe('audit check', () => {
  it('tells a supervisor in words that the chain is intact', async () => {
    const member = await makeStaff(deps, ['supervisor']);
    const { cookie } = await signInDirectly(deps, member.id);
    const page = await (await app.request('/console/audit?lang=en', { headers: { ...html, cookie } })).text();
    expect(page).toContain('The audit log is intact');
    expect(page).toMatch(/All \d+ entries were checked: none has been changed, removed or inserted\./);
    expect(page).toContain('<code>staff.created</code>');
  });
});

describe('stylesheet', () => {
  it('is served from its own route with focus styles and 44px targets', async () => {
    const res = await app.request('/assets/site.css');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/css');
    const css = await res.text();
    expect(css).toContain(':focus-visible');
    expect(css).toContain('min-height:44px');
  });
});
