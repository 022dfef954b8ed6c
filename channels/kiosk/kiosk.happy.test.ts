import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import {
  auditLog,
  communities,
  demands,
  intakes,
  kioskDevices,
  opinions,
  streets,
} from '../../src/db/schema.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { createTopicInStatus } from '../../src/topics/topic-fixtures.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { csrfFieldIn, depsCtx, makeStaff, setCookies, signInDirectly } from '../console/console-test-kit.ts';
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
let published: Topic;
let deliberating: Topic;
let closed: Topic;
let otherCommunityTopic: Topic;
let ownCommunityId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = createTestAppDeps(database);
  app = createApp(deps);
  const ctx = { ...depsCtx(deps), clock: deps.clock };
  const [street] = await database.db
    .insert(streets)
    .values({ code: 'KH', name: { 'zh-CN': '街道' } })
    .returning();
  const [own, other] = await database.db
    .insert(communities)
    .values([
      { streetId: street!.id, code: 'KH-1', name: { 'zh-CN': '幸福社区' } },
      { streetId: street!.id, code: 'KH-2', name: { 'zh-CN': '和平社区' } },
    ])
    .returning();
  ownCommunityId = own!.id;
  published = await createTopicInStatus(ctx, 'published', {
    communityId: own!.id,
  });
  deliberating = await createTopicInStatus(ctx, 'deliberating', {
    title: { 'zh-CN': '停车位规划', 'zh-HK': '泊車位規劃', en: 'Parking plan' },
  });
  closed = await createTopicInStatus(ctx, 'rejected', {
    title: { 'zh-CN': '已办结的议题', en: 'Done topic' },
  });
  otherCommunityTopic = await createTopicInStatus(ctx, 'published', {
    title: { 'zh-CN': '别的社区', en: 'Elsewhere' },
    communityId: other!.id,
  });
  kiosk = await registerTestKiosk(deps, { communityId: own!.id });
});
afterAll(async () => {
  await deps.close();
  await database.close();
});

async function intakeBy(externalId: string) {
  return database.db
    .select()
    .from(intakes)
    .where(and(eq(intakes.channel, 'kiosk'), eq(intakes.externalId, externalId)));
}

describe('kiosk screens', () => {
  it.each([
    ['zh-CN', '欢迎参与社区议事'],
    ['zh-HK', '歡迎參與社區議事'],
    ['en', 'Have your say in the community'],
  ])(
    'the start screen speaks %s, loads only its own script and stylesheet, and reads aloud',
    async (lang, h1) => {
      const res = await kioskGet(app, `/kiosk?lang=${lang}`, kiosk);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`<html lang="${lang}"`);
      expect(html).toContain(`>${h1}</h1>`);
      expect(html).toContain('<script src="/kiosk/assets/kiosk.js" defer');
      // The shared script comes first: deferred scripts run in the order they stand.
      const kit = html.indexOf('<script src="/kiosk/assets/screen-kit.js" defer');
      expect(kit).toBeGreaterThan(-1);
      expect(kit).toBeLessThan(html.indexOf('/kiosk/assets/kiosk.js'));
      expect(html).toContain('id="kiosk-read"');
      expect(html).toContain('id="kiosk-idle"');
      expect(html).not.toMatch(/<script>|<style|style="/);
      expect(html).toContain(`data-speech-lang="${lang === 'en' ? 'en-US' : lang}"`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
    },
  );

  it('marks the untouched start screen as pristine, and a chosen language or size as not', async () => {
    expect(await (await kioskGet(app, '/kiosk', kiosk)).text()).toContain('data-pristine="1"');
    const large = await (await kioskGet(app, '/kiosk?lang=en&size=large&rate=slow', kiosk)).text();
    expect(large).not.toContain('data-pristine');
    expect(large).toContain('class="size-large"');
    expect(large).toContain('data-speech-rate="0.7"');
    // Links keep the resident's choices.
    expect(large).toContain('href="/kiosk/topics?lang=en&amp;size=large&amp;rate=slow"');
  });

  it('lists open topics of its community and of the whole street, nothing closed or elsewhere', async () => {
    const html = await (await kioskGet(app, '/kiosk/topics?lang=en', kiosk)).text();
    expect(html).toContain(published.code);
    expect(html).toContain('Parking plan');
    expect(html).toContain(`href="/kiosk/topics/${deliberating.code}?lang=en"`);
    expect(html).not.toContain('Done topic');
    expect(html).not.toContain(`/kiosk/topics/${closed.code}?`);
    expect(html).not.toContain('Elsewhere');
    expect(otherCommunityTopic.communityId).not.toBe(ownCommunityId);
  });

  it('records an opinion sent as a plain form, anonymously, under the page receipt', async () => {
    const page = await kioskGet(app, `/kiosk/topics/${published.code}`, kiosk);
    const html = await page.text();
    const receipt = receiptIn(html);
    const res = await kioskPostForm(app, `/kiosk/topics/${published.code}`, kiosk, {
      receipt,
      stance: 'suggestion',
      text: '希望电梯噪音小一些',
    });
    expect(res.status).toBe(200);
    const thanks = await res.text();
    expect(thanks).toContain('谢谢您！');
    expect(thanks).toContain(`已收到您对议题${published.code}的建议`);
    expect(thanks).toContain('希望电梯噪音小一些');

    const [intake] = await intakeBy(receipt);
    expect(intake).toMatchObject({
      channel: 'kiosk',
      actor: { type: 'resident', via: 'kiosk' },
      residentId: null,
      kind: 'opinion',
      topicId: published.id,
      language: 'zh-CN',
    });
    const [opinion] = await database.db.select().from(opinions).where(eq(opinions.intakeId, intake!.id));
    expect(opinion).toMatchObject({ stance: 'suggestion', text: '希望电梯噪音小一些', channel: 'kiosk' });
  });

  it('records a reported problem with where it is, filed under the kiosk’s community', async () => {
    const receipt = receiptIn(await (await kioskGet(app, '/kiosk/need?lang=en', kiosk)).text());
    const res = await kioskPostForm(app, '/kiosk/need?lang=en', kiosk, {
      receipt,
      text: 'The stair light is broken',
      where: '3 Block 2 Unit',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('We have your request');
    const [intake] = await intakeBy(receipt);
    expect(intake).toMatchObject({
      kind: 'demand',
      language: 'en',
      actor: { type: 'resident', via: 'kiosk' },
    });
    const [demand] = await database.db.select().from(demands).where(eq(demands.intakeId, intake!.id));
    expect(demand).toMatchObject({
      text: 'The stair light is broken',
      location: '3 Block 2 Unit',
      residentId: null,
      communityId: ownCommunityId,
    });
  });

  it('takes the offline queue’s JSON, keeping the device’s timestamp when it is plausible', async () => {
    const id = crypto.randomUUID();
    const at = new Date(deps.clock.now().getTime() - 3_600_000).toISOString();
    const res = await kioskPostJson(app, kiosk, {
      id,
      kind: 'opinion',
      topic: deliberating.code,
      stance: 'support',
      text: '',
      lang: 'zh-HK',
      at,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ receipt: id, duplicate: false, kind: 'opinion' });
    expect(body.message).toContain(deliberating.code);
    const [intake] = await intakeBy(id);
    expect(intake?.receivedAt.toISOString()).toBe(at);
    expect(intake?.language).toBe('zh-HK');
  });

  it('serves its script, stylesheet and service worker to anyone, with types and validators', async () => {
    for (const [path, type] of [
      ['/kiosk/assets/screen-kit.js', 'text/javascript'],
      ['/kiosk/assets/kiosk.js', 'text/javascript'],
      ['/kiosk/assets/kiosk.css', 'text/css'],
      ['/kiosk/sw.js', 'text/javascript'],
    ] as const) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      const etag = res.headers.get('etag') ?? '';
      expect(etag).not.toBe('');
      expect((await app.request(path, { headers: { 'if-none-match': etag } })).status).toBe(304);
    }
    expect((await app.request('/kiosk/sw.js')).headers.get('service-worker-allowed')).toBe('/kiosk');
  });
});

describe('activating a screen', () => {
  it('asks for the token at /kiosk?device=<id>, then remembers the device in an HttpOnly cookie', async () => {
    const fresh = await registerTestKiosk(deps, { label: 'Fresh' });
    const first = await app.request(`/kiosk?device=${fresh.id}`, { headers: { accept: 'text/html' } });
    expect(first.status).toBe(401);
    const form = await first.text();
    expect(form).toContain(`name="device" value="${fresh.id}"`);
    const anon = [...setCookies(first).entries()].find(([name]) => name.endsWith('csrf'));
    const res = await app.request('/kiosk/activate', {
      method: 'POST',
      headers: {
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `${anon![0]}=${anon![1].value}`,
      },
      body: new URLSearchParams({
        _csrf: csrfFieldIn(form),
        device: fresh.id,
        token: ` ${fresh.token.toLowerCase().replaceAll('-', ' ')} `,
      }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/kiosk');
    const cookie = setCookies(res).get(deviceCookieName(deps.config));
    expect(cookie?.raw).toMatch(/HttpOnly/i);
    expect(cookie?.raw).toMatch(/SameSite=Strict/i);
    expect(cookie?.raw).toMatch(/Path=\//);
    const start = await app.request('/kiosk', {
      headers: { accept: 'text/html', cookie: `${deviceCookieName(deps.config)}=${cookie!.value}` },
    });
    expect(start.status).toBe(200);
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, fresh.id));
    expect(audits.map((a) => a.action)).toEqual(['kiosk.registered', 'kiosk.activated']);
  });

  it('drops ?device= from the address once the screen is that device', async () => {
    const res = await kioskGet(app, `/kiosk?device=${kiosk.id}&lang=en`, kiosk);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/kiosk?lang=en');
  });
});

describe('managing kiosks in the console', () => {
  it('registers a kiosk showing its token once, lists it, and switches it off', async () => {
    const secretary = await makeStaff(deps, ['community_secretary']);
    const { cookie, csrfToken } = await signInDirectly(deps, secretary.id);
    const headers = { accept: 'text/html', cookie, 'content-type': 'application/x-www-form-urlencoded' };
    const form = await app.request('/console/kiosks/new', { headers });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('幸福社区');

    const created = await app.request('/console/kiosks', {
      method: 'POST',
      headers,
      body: new URLSearchParams({
        _csrf: csrfToken,
        label: '广场东侧',
        'location.zh-CN': '中心广场东侧',
        'location.en': 'Central plaza, east side',
        communityId: ownCommunityId,
      }),
    });
    expect(created.status).toBe(201);
    const page = await created.text();
    const token = page.match(/class="kiosk-token">([0-9A-Z-]+)</)?.[1];
    expect(token).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){5}$/);
    const [device] = await database.db.select().from(kioskDevices).where(eq(kioskDevices.label, '广场东侧'));
    expect(page).toContain(`/kiosk?device=${device!.id}`);

    const list = await (await app.request('/console/kiosks', { headers })).text();
    expect(list).toContain('广场东侧');
    expect(list).toContain('中心广场东侧');
    expect(list).not.toContain(token!);

    const deviceCookie = `${deviceCookieName(deps.config)}=${token!.replaceAll('-', '')}`;
    expect(
      (await app.request('/kiosk', { headers: { accept: 'text/html', cookie: deviceCookie } })).status,
    ).toBe(200);
    const off = await app.request(`/console/kiosks/${device!.id}/deactivate`, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ _csrf: csrfToken }),
    });
    expect(off.status).toBe(303);
    const after = await (await app.request(off.headers.get('location')!, { headers })).text();
    expect(after).toContain('设备“广场东侧”已停用');
    expect(
      (await app.request('/kiosk', { headers: { accept: 'text/html', cookie: deviceCookie } })).status,
    ).toBe(401);
  });
});
