import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { staffSessions } from '../../src/db/schema.ts';
import { hashSessionToken } from '../../src/staff/start-staff-session.ts';
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
import { safeNext } from './safe-next.ts';

let database: TestDatabase;
let deps: TestAppDeps;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = createTestAppDeps(database);
  app = createApp(deps);
  await makeStaff(deps, ['admin'], { username: 'sec-admin' });
});
afterAll(async () => {
  await deps.close();
  await database.close();
});

const html = { accept: 'text/html' };
const form = { ...html, 'content-type': 'application/x-www-form-urlencoded' };

describe('CSRF', () => {
  it('refuses a sign-in form without the token with 403, and signs nobody in', async () => {
    const res = await app.request('/staff/login', {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ username: 'sec-admin', password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(403);
    expect(setCookies(res).has('staff_session')).toBe(false);
  });

  it('refuses a sign-in form whose token does not match its cookie', async () => {
    const page = await app.request('/staff/login', { headers: html });
    const cookie = setCookies(page).get('csrf');
    const res = await app.request('/staff/login', {
      method: 'POST',
      headers: { ...form, cookie: `csrf=${cookie?.value}` },
      body: new URLSearchParams({ _csrf: 'A'.repeat(43), username: 'sec-admin', password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(403);
  });

  it('refuses a staff form (sign-out) without the session’s token, leaving the session alive', async () => {
    const admin = await makeStaff(deps, ['admin']);
    const { cookie } = await signInDirectly(deps, admin.id);
    const res = await app.request('/staff/logout', { method: 'POST', headers: { ...form, cookie } });
    expect(res.status).toBe(403);
    expect((await app.request('/console', { headers: { ...html, cookie } })).status).toBe(200);
  });

  it('refuses another session’s token', async () => {
    const admin = await makeStaff(deps, ['admin']);
    const mine = await signInDirectly(deps, admin.id);
    const theirs = await signInDirectly(deps, admin.id);
    const res = await app.request('/staff/logout', {
      method: 'POST',
      headers: { ...form, cookie: mine.cookie },
      body: new URLSearchParams({ _csrf: theirs.csrfToken }),
    });
    expect(res.status).toBe(403);
  });
});

describe('open redirects', () => {
  it.each([
    'https://evil.example/steal',
    '//evil.example/steal',
    '/\\evil.example',
    'javascript:alert(1)',
    '/staff/login',
  ])('ignores next=%s after signing in', async (next) => {
    const { res } = await signInThroughForm(app, deps, {
      username: 'sec-admin',
      password: TEST_PASSWORD,
      next,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console');
  });

  it('keeps a same-site path with its query', async () => {
    const { res } = await signInThroughForm(app, deps, {
      username: 'sec-admin',
      password: TEST_PASSWORD,
      next: '/console/outbox?page=2',
    });
    expect(res.headers.get('location')).toBe('/console/outbox?page=2');
  });

  it('does not put a foreign next into the sign-in form', async () => {
    const page = await (
      await app.request('/staff/login?next=https%3A%2F%2Fevil.example', { headers: html })
    ).text();
    expect(page).toContain('name="next" value="/console"');
    expect(safeNext('/%2F%2Fevil.example')).toBe('/%2F%2Fevil.example');
  });
});

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/, without a Domain', async () => {
    const { res } = await signInThroughForm(app, deps, { username: 'sec-admin', password: TEST_PASSWORD });
    const raw = setCookies(res).get('staff_session')?.raw ?? '';
    expect(raw).toMatch(/; HttpOnly/);
    expect(raw).toMatch(/; SameSite=Lax/);
    expect(raw).toMatch(/; Path=\//);
    expect(raw).not.toMatch(/Domain=/i);
  });

  it('is named __Host-… and Secure when cookies are secure', async () => {
    const secure = createTestAppDeps(database, { config: { cookieSecure: true } });
    try {
      const secureApp = createApp(secure);
      const page = await secureApp.request('/staff/login', { headers: html });
      const csrf = setCookies(page).get('__Host-csrf');
      expect(csrf?.raw).toMatch(/; Secure/);
      const res = await secureApp.request('/staff/login', {
        method: 'POST',
        headers: { ...form, cookie: `__Host-csrf=${csrf?.value}` },
        body: new URLSearchParams({
          _csrf: csrfFieldIn(await page.text()),
          username: 'sec-admin',
          password: TEST_PASSWORD,
        }),
      });
      expect(res.status).toBe(303);
      const session = setCookies(res).get('__Host-staff_session');
      expect(session?.raw).toMatch(/; Secure/);
      expect(session?.raw).toMatch(/; Path=\//);
      expect(session?.raw).not.toMatch(/Domain=/i);
      const home = await secureApp.request('/console', {
        headers: { ...html, cookie: `__Host-staff_session=${session?.value}` },
      });
      expect(home.status).toBe(200);
    } finally {
      await secure.close();
    }
  });

  it('gets a new token at every sign-in and the token carried in is revoked (no fixation)', async () => {
    const admin = await makeStaff(deps, ['admin'], { username: 'fixation' });
    const planted = await signInDirectly(deps, admin.id);
    const plantedToken = planted.cookie.split('=')[1] ?? '';
    const { res, sessionCookie } = await signInThroughForm(
      app,
      deps,
      { username: 'fixation', password: TEST_PASSWORD },
      { cookie: planted.cookie },
    );
    expect(res.status).toBe(303);
    expect(sessionCookie).toBeDefined();
    expect(sessionCookie).not.toBe(planted.cookie);
    const [old] = await database.db
      .select()
      .from(staffSessions)
      .where(eq(staffSessions.tokenHash, hashSessionToken(plantedToken)));
    expect(old?.revokedAt).not.toBeNull();
    expect((await app.request('/console', { headers: { ...html, cookie: planted.cookie } })).status).toBe(
      302,
    );
  });
});

describe('page hardening', () => {
  it('sends a script-free Content-Security-Policy, no-store and no framing on staff pages', async () => {
    const admin = await makeStaff(deps, ['admin']);
    const { cookie } = await signInDirectly(deps, admin.id);
    for (const path of ['/staff/login', '/console', '/console/outbox', '/console/audit']) {
      const res = await app.request(path, { headers: { ...html, cookie } });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).not.toContain('script-src');
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      expect(await res.text(), path).not.toContain('<script');
    }
  });

  it('escapes what people typed when showing it again', async () => {
    const { res } = await signInThroughForm(app, deps, { username: '"><b>x</b>', password: 'whatever 1234' });
    const page = await res.text();
    expect(page).not.toContain('<b>x</b>');
    expect(page).toContain('&quot;&gt;&lt;b&gt;x&lt;/b&gt;');
  });
});
