import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { makeStaff, signInDirectly, signInThroughForm, TEST_PASSWORD } from './console-test-kit.ts';

let database: TestDatabase;
let deps: TestAppDeps;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = createTestAppDeps(database);
  app = createApp(deps);
  await makeStaff(deps, ['grid_worker'], { username: 'err-user' });
});
afterAll(async () => {
  await deps.close();
  await database.close();
});

const html = { accept: 'text/html' };

function summaryLinks(page: string): string[] {
  const summary = page.match(/<div class="error-summary"[\s\S]*?<\/div>/)?.[0] ?? '';
  return [...summary.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => `${m[1]} ${m[2]}`);
}

describe('sign-in errors', () => {
  it('asks for each empty field, with "Error:" in the title and a summary linking to the fields', async () => {
    const { res } = await signInThroughForm(app, deps, { username: '', password: '' });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('<title>错误：工作人员登录 – 民生议事堂</title>');
    expect(summaryLinks(page)).toEqual(['#field-username 请输入用户名', '#field-password 请输入密码']);
    expect(page).toContain('id="field-username-error"');
    expect(page).toContain('id="field-password-error"');
    expect(page).toContain('aria-describedby="field-password-error"');
    expect(page.indexOf('class="error-summary"')).toBeLessThan(page.indexOf('<h1>'));
  });

  it('keeps the username but never the password after a wrong password', async () => {
    const { res, sessionCookie } = await signInThroughForm(
      app,
      deps,
      { username: 'err-user', password: 'not the password 1' },
      { 'x-forwarded-for': '192.0.2.10' },
    );
    expect(res.status).toBe(401);
    expect(sessionCookie).toBeUndefined();
    const page = await res.text();
    expect(summaryLinks(page)).toEqual(['#field-username 用户名或密码不正确']);
    expect(page).toContain('value="err-user"');
    expect(page).not.toContain('not the password 1');
  });

  it('answers an unknown username exactly as it answers a wrong password', async () => {
    const wrong = await signInThroughForm(
      app,
      deps,
      { username: 'err-user', password: 'not the password 2', next: '/console' },
      { 'x-forwarded-for': '192.0.2.11', 'accept-language': 'en' },
    );
    const unknown = await signInThroughForm(
      app,
      deps,
      { username: 'no-such-user', password: 'not the password 2', next: '/console' },
      { 'x-forwarded-for': '192.0.2.11', 'accept-language': 'en' },
    );
    expect(unknown.res.status).toBe(wrong.res.status);
    const strip = (page: string) =>
      page.replace(/value="[^"]*"/g, 'value=""').replace(/name="_csrf" value="[^"]*"/, '');
    expect(strip(await unknown.res.text())).toBe(strip(await wrong.res.text()));
  });

  it('refuses with 429, a Retry-After and a message in minutes after too many failures', async () => {
    await makeStaff(deps, ['grid_worker'], { username: 'throttled' });
    for (let i = 0; i < 5; i += 1) {
      const { res } = await signInThroughForm(
        app,
        deps,
        { username: 'throttled', password: `guess number ${i}` },
        { 'x-forwarded-for': `198.51.100.${i}` },
      );
      expect(res.status).toBe(401);
    }
    const { res, sessionCookie } = await signInThroughForm(
      app,
      deps,
      { username: 'throttled', password: TEST_PASSWORD },
      { 'x-forwarded-for': '198.51.100.77', 'accept-language': 'en' },
    );
    expect(res.status).toBe(429);
    expect(sessionCookie).toBeUndefined();
    expect(res.headers.get('retry-after')).toBe('900');
    expect(summaryLinks(await res.text())).toEqual([
      '#field-username Too many failed sign-in attempts. Try again in 15 min',
    ]);
  });
});

describe('access errors', () => {
  it('sends an anonymous browser to sign in, remembering where it was going', async () => {
    const res = await app.request('/console/outbox?page=2', { headers: html });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/staff/login?next=%2Fconsole%2Foutbox%3Fpage%3D2');
  });

  it('answers an anonymous API client with 401 JSON', async () => {
    const res = await app.request('/console', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('shows a 403 page in the reader’s language to staff without the role', async () => {
    const worker = await makeStaff(deps, ['grid_worker']);
    const { cookie } = await signInDirectly(deps, worker.id);
    const res = await app.request('/console/audit', { headers: { ...html, cookie: `${cookie}; lang=en` } });
    expect(res.status).toBe(403);
    const page = await res.text();
    expect(page).toContain('<h1>You do not have permission to see this page</h1>');
    expect(page).toContain('href="/console"');
  });

  it('treats a session idle for more than 30 minutes as signed out', async () => {
    const worker = await makeStaff(deps, ['grid_worker']);
    const { cookie } = await signInDirectly(deps, worker.id);
    expect((await app.request('/console', { headers: { ...html, cookie } })).status).toBe(200);
    deps.clock.advance(31 * 60_000);
    const res = await app.request('/console', { headers: { ...html, cookie } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/staff/login?next=%2Fconsole');
  });
});

describe('audit check', () => {
  // Last in the file: it breaks this database's chain on purpose.
  it('says in words where the chain breaks when an entry has been altered', async () => {
    const admin = await makeStaff(deps, ['admin']);
    const { cookie } = await signInDirectly(deps, admin.id);
    await database.db.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
    await database.db.execute(sql`update audit_log set action = 'staff.tampered' where seq = 2`);
    await database.db.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
    const res = await app.request('/console/audit?lang=en', { headers: { ...html, cookie } });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Warning: the audit log has been tampered with');
    expect(page).toContain('The check fails from entry 2 onwards. Entries before it that check out: 1.');
    expect(page).toContain('The content of that entry was changed after it was written.');
  });
});
