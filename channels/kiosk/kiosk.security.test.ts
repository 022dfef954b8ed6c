import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { intakes, opinions } from '../../src/db/schema.ts';
import { deactivateKioskDevice } from '../../src/kiosk/deactivate-kiosk-device.ts';
import { newCommunity } from '../../src/proxy/proxy-test-kit.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { createTopicInStatus } from '../../src/topics/topic-fixtures.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { depsCtx, makeStaff, setCookies, signInDirectly } from '../console/console-test-kit.ts';
import { deviceCookieName } from './kiosk-auth.ts';
import {
  kioskGet,
  kioskPostForm,
  kioskPostJson,
  receiptIn,
  registerTestKiosk,
  type TestKiosk,
} from './kiosk-test-kit.ts';

let database: TestDatabase;
let deps: TestAppDeps;
let app: ReturnType<typeof createApp>;
let kiosk: TestKiosk;
let other: TestKiosk;
let switchedOff: TestKiosk;
let topic: Topic;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = createTestAppDeps(database);
  app = createApp(deps);
  topic = await createTopicInStatus({ ...depsCtx(deps), clock: deps.clock }, 'published');
  kiosk = await registerTestKiosk(deps, { label: 'Main' });
  other = await registerTestKiosk(deps, { label: 'Other' });
  switchedOff = await registerTestKiosk(deps, { label: 'Off' });
  await deactivateKioskDevice(depsCtx(deps), { deviceId: switchedOff.id });
});
afterAll(async () => {
  await deps.close();
  await database.close();
});

async function kioskIntakes() {
  return database.db.select().from(intakes).where(eq(intakes.channel, 'kiosk'));
}

const SCREENS = ['/kiosk', '/kiosk/topics', '/kiosk/need', '/kiosk/topics/T1', '/kiosk/anything'];

describe('only registered, active devices', () => {
  const forged = (token: string): TestKiosk => ({
    id: '00000000-0000-4000-8000-000000000000',
    token,
    cookie: `${deviceCookieName(deps.config)}=${token}`,
    csrfToken: 'x',
  });

  it.each([
    ['no device cookie', () => undefined],
    ['an unknown token', () => forged('ZZZZZZZZZZZZZZZZZZZZZZZZ')],
    ['a switched-off device', () => switchedOff],
  ])('refuse %s with 401 on every screen and on the queue endpoint', async (_case, device) => {
    for (const path of SCREENS) {
      const res = await kioskGet(app, path, device());
      expect(res.status, path).toBe(401);
      const html = await res.text();
      expect(html).not.toContain('data-kiosk="on"');
      expect(html).toContain('action="/kiosk/activate"');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
    const json = await kioskPostJson(app, device(), {
      id: crypto.randomUUID(),
      kind: 'need',
      text: 'x',
      lang: 'en',
    });
    expect(json.status).toBe(401);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    const form = await kioskPostForm(app, '/kiosk/need', device(), {
      receipt: crypto.randomUUID(),
      text: '问题',
    });
    expect(form.status).toBe(401);
    expect(await kioskIntakes()).toEqual([]);
  });

  it('refuses a valid token presented as another device', async () => {
    const res = await kioskGet(app, `/kiosk?device=${other.id}`, kiosk);
    expect(res.status).toBe(401);
  });

  it('marks the device cookie Secure and __Host- when cookies are secure', async () => {
    const secureDeps = createTestAppDeps(database, { config: { cookieSecure: true } });
    try {
      const secureApp = createApp(secureDeps);
      const page = await secureApp.request('/kiosk/activate', { headers: { accept: 'text/html' } });
      const anon = [...setCookies(page).entries()].find(([name]) => name.endsWith('csrf'))!;
      const csrf = (await page.text()).match(/name="_csrf" value="([^"]+)"/)![1]!;
      const fresh = await registerTestKiosk(secureDeps, { label: 'Secure' });
      const res = await secureApp.request('/kiosk/activate', {
        method: 'POST',
        headers: {
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `${anon[0]}=${anon[1].value}`,
        },
        body: new URLSearchParams({ _csrf: csrf, device: fresh.id, token: fresh.token }),
      });
      expect(res.status).toBe(303);
      const cookie = setCookies(res).get('__Host-kiosk_device');
      expect(cookie?.raw).toMatch(/Secure/);
      expect(cookie?.raw).toMatch(/HttpOnly/i);
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    } finally {
      await secureDeps.close();
    }
  });
});

describe('cross-site request forgery', () => {
  it('refuses a form without the device’s token, or with another device’s, and stores nothing', async () => {
    for (const csrf of ['', other.csrfToken]) {
      const res = await kioskPostForm(app, `/kiosk/topics/${topic.code}`, kiosk, {
        _csrf: csrf,
        receipt: crypto.randomUUID(),
        stance: 'support',
      });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('页面已经过期');
    }
    const noHeader = await kioskPostJson(
      app,
      undefined,
      { id: crypto.randomUUID(), kind: 'need', text: '问题', lang: 'zh-CN' },
      { cookie: kiosk.cookie },
    );
    expect(noHeader.status).toBe(403);
    expect(await kioskIntakes()).toEqual([]);
  });

  it('refuses activation without the anonymous form token', async () => {
    const res = await app.request('/kiosk/activate', {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ device: kiosk.id, token: kiosk.token }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie().some((c) => c.includes('kiosk_device'))).toBe(false);
  });
});

describe('replays', () => {
  it('stores a queued submission sent twice once, answering the repeat with the first answer', async () => {
    const id = crypto.randomUUID();
    const item = { id, kind: 'opinion', topic: topic.code, stance: 'oppose', text: '太吵', lang: 'zh-CN' };
    const first = (await (await kioskPostJson(app, kiosk, item)).json()) as Record<string, unknown>;
    const second = (await (await kioskPostJson(app, kiosk, { ...item, text: '改了' })).json()) as Record<
      string,
      unknown
    >;
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ ...first, duplicate: true });
    const rows = (await kioskIntakes()).filter((r) => r.externalId === id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.text).toBe('太吵');
  });

  it('stores a plain form submitted twice (double tap, reload) once', async () => {
    const receipt = receiptIn(await (await kioskGet(app, '/kiosk/need', kiosk)).text());
    for (let i = 0; i < 2; i += 1) {
      const res = await kioskPostForm(app, '/kiosk/need', kiosk, { receipt, text: '垃圾桶满了' });
      expect(res.status).toBe(200);
    }
    expect((await kioskIntakes()).filter((r) => r.externalId === receipt)).toHaveLength(1);
  });
});

describe('output escaping', () => {
  it('shows a script in a suggestion as text on the confirmation screen', async () => {
    const payload = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const res = await kioskPostForm(app, `/kiosk/topics/${topic.code}?lang=en`, kiosk, {
      receipt: crypto.randomUUID(),
      stance: 'suggestion',
      text: payload,
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const [stored] = await database.db.select().from(opinions).where(eq(opinions.text, payload));
    expect(stored?.stance).toBe('suggestion');
  });

  it('sends the kiosk’s own security headers on its screens', async () => {
    const res = await kioskGet(app, '/kiosk', kiosk);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('permissions-policy')).toContain('camera=()');
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
    ]) {
      expect(csp).toContain(directive);
    }
  });
});

describe('kiosk management across communities', () => {
  it("keeps a secretary to their own community's screens in the console", async () => {
    const own = await newCommunity(database.db, '幸福里社区');
    const elsewhere = await newCommunity(database.db, '和平里社区');
    const ours = await registerTestKiosk(deps, { label: 'Ours', communityId: own.id });
    const theirs = await registerTestKiosk(deps, { label: 'Theirs', communityId: elsewhere.id });
    const secretary = await makeStaff(deps, ['community_secretary'], { communityIds: [own.id] });
    const { cookie, csrfToken } = await signInDirectly(deps, secretary.id);
    const headers = { accept: 'text/html', cookie, 'content-type': 'application/x-www-form-urlencoded' };

    const list = await (await app.request('/console/kiosks', { headers })).text();
    expect(list).toContain('Ours');
    expect(list).not.toContain('Theirs');
    expect(list).not.toContain('Main');

    const form = await (await app.request('/console/kiosks/new', { headers })).text();
    expect(form).toContain(`value="${own.id}"`);
    expect(form).not.toContain(`value="${elsewhere.id}"`);
    expect(form).not.toContain('value=""');

    const refused = await app.request(`/console/kiosks/${theirs.id}/deactivate`, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ _csrf: csrfToken }),
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('这台屏幕属于其他社区');
    expect((await kioskGet(app, '/kiosk', theirs)).status).toBe(200);
    const switched = await app.request(`/console/kiosks/${ours.id}/deactivate`, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ _csrf: csrfToken }),
    });
    expect(switched.status).toBe(303);

    const placed = await app.request('/console/kiosks', {
      method: 'POST',
      headers,
      body: new URLSearchParams({
        _csrf: csrfToken,
        label: 'Sneaky',
        'location.zh-CN': '和平里广场',
        communityId: elsewhere.id,
      }),
    });
    expect(placed.status).toBe(400);
    expect(await placed.text()).toContain('只能在您负责的社区登记屏幕');
  });
});
