import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { intakes } from '../../src/db/schema.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { createTopicInStatus } from '../../src/topics/topic-fixtures.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { depsCtx, makeStaff, signInDirectly } from '../console/console-test-kit.ts';
import { createKioskApp } from './kiosk-app.tsx';
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
let topic: Topic;
let closed: Topic;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = createTestAppDeps(database);
  app = createApp(deps);
  const ctx = { ...depsCtx(deps), clock: deps.clock };
  topic = await createTopicInStatus(ctx, 'published');
  closed = await createTopicInStatus(ctx, 'rejected');
  kiosk = await registerTestKiosk(deps);
});
afterAll(async () => {
  await deps.close();
  await database.close();
});

async function kioskIntakeCount(): Promise<number> {
  return (await database.db.select({ id: intakes.id }).from(intakes).where(eq(intakes.channel, 'kiosk')))
    .length;
}

describe('opinion form problems', () => {
  it('without a stance: 400, "Error:" title, a summary linking to the field, what was typed kept', async () => {
    const receipt = receiptIn(
      await (await kioskGet(app, `/kiosk/topics/${topic.code}?lang=en`, kiosk)).text(),
    );
    const res = await kioskPostForm(app, `/kiosk/topics/${topic.code}?lang=en`, kiosk, {
      receipt,
      text: 'Keep the <noise> down',
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/<title>Error: /);
    expect(html).toContain('class="k-error-summary" role="alert"');
    expect(html).toContain('<a href="#field-stance">Choose support, oppose or suggest</a>');
    expect(html).toContain('Keep the &lt;noise&gt; down</textarea>');
    expect(receiptIn(html)).toBe(receipt);
    expect(await kioskIntakeCount()).toBe(0);
  });

  it('a suggestion needs words, and words have a limit', async () => {
    const empty = await kioskPostForm(app, `/kiosk/topics/${topic.code}`, kiosk, {
      receipt: crypto.randomUUID(),
      stance: 'suggestion',
      text: '   ',
    });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('提建议时，请写下您的建议');
    const long = await kioskPostForm(app, `/kiosk/topics/${topic.code}`, kiosk, {
      receipt: crypto.randomUUID(),
      stance: 'support',
      text: '好'.repeat(1001),
    });
    expect(long.status).toBe(400);
    const html = await long.text();
    expect(html).toContain('最多写 1000 个字');
    expect(html).toContain('value="support" id="field-stance" checked');
    expect(await kioskIntakeCount()).toBe(0);
  });

  it('a form without a well-formed receipt is shown again with a fresh one rather than stored', async () => {
    const res = await kioskPostForm(app, `/kiosk/topics/${topic.code}`, kiosk, {
      receipt: 'x',
      stance: 'support',
    });
    expect(res.status).toBe(400);
    expect(receiptIn(await res.text())).toMatch(/^[0-9a-f-]{36}$/);
    expect(await kioskIntakeCount()).toBe(0);
  });

  it('an unknown topic is a kiosk 404 screen with a way back', async () => {
    const res = await kioskGet(app, '/kiosk/topics/T99999', kiosk);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('没有找到这个议题');
    expect(html).toContain('href="/kiosk"');
    expect((await kioskPostForm(app, '/kiosk/topics/nonsense', kiosk, { stance: 'support' })).status).toBe(
      404,
    );
    expect((await kioskGet(app, '/kiosk/nowhere', kiosk)).status).toBe(404);
  });

  it('a topic no longer taking views says so and offers no form', async () => {
    const html = await (await kioskGet(app, `/kiosk/topics/${closed.code}`, kiosk)).text();
    expect(html).toContain('这个议题现在不征求意见了');
    expect(html).not.toContain('<form');
  });
});

describe('problem report form', () => {
  it('needs a description, and limits where-it-is', async () => {
    const res = await kioskPostForm(app, '/kiosk/need?lang=zh-HK', kiosk, {
      receipt: crypto.randomUUID(),
      text: '',
      where: '座'.repeat(201),
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/<title>錯誤：/);
    expect(html).toContain('<a href="#field-text">請講講遇到甚麼問題</a>');
    expect(html).toContain('<a href="#field-where">最多寫 200 個字</a>');
    expect(await kioskIntakeCount()).toBe(0);
  });
});

describe('the queue endpoint', () => {
  it('answers malformed bodies with 400 and a request id', async () => {
    const notJson = await app.request('/kiosk/api/intakes', {
      method: 'POST',
      headers: { cookie: kiosk.cookie, 'x-csrf-token': kiosk.csrfToken, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(notJson.status).toBe(400);
    const broken = await app.request('/kiosk/api/intakes', {
      method: 'POST',
      headers: { cookie: kiosk.cookie, 'x-csrf-token': kiosk.csrfToken, 'content-type': 'application/json' },
      body: '{"id":',
    });
    expect(broken.status).toBe(400);
    const badId = await kioskPostJson(app, kiosk, { id: 'not-a-uuid', kind: 'need', text: 'x', lang: 'en' });
    expect(badId.status).toBe(400);
    const body = (await badId.json()) as {
      error: { code: string; requestId: string; fields: { field: string }[] };
    };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.requestId).not.toBe('');
    expect(body.error.fields.map((f) => f.field)).toEqual(['id']);
  });

  it('refuses an opinion without a stance, in the submission’s language', async () => {
    const res = await kioskPostJson(app, kiosk, {
      id: crypto.randomUUID(),
      kind: 'opinion',
      topic: topic.code,
      lang: 'en',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { fields: { field: string; message: string }[] } };
    expect(body.error.fields).toEqual([{ field: 'stance', message: 'Choose support, oppose or suggest' }]);
    expect(await kioskIntakeCount()).toBe(0);
  });

  it('stores an opinion on a topic that closed while it waited in the queue, and says so', async () => {
    const id = crypto.randomUUID();
    const res = await kioskPostJson(app, kiosk, {
      id,
      kind: 'opinion',
      topic: closed.code,
      stance: 'support',
      lang: 'zh-CN',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { message: string }).message).toContain('现在不收集意见');
    expect(await kioskIntakeCount()).toBe(1);
  });

  it('ignores an implausible device clock', async () => {
    const id = crypto.randomUUID();
    await kioskPostJson(app, kiosk, {
      id,
      kind: 'need',
      text: '路灯坏了',
      lang: 'zh-CN',
      at: '2001-01-01T00:00:00Z',
    });
    const [row] = await database.db.select().from(intakes).where(eq(intakes.externalId, id));
    expect(row?.receivedAt.toISOString()).toBe(deps.clock.now().toISOString());
  });
});

describe('limits', () => {
  it('a device submitting too fast gets 429 with Retry-After, on the form and on the queue', async () => {
    const limited = createKioskApp(deps, { submissionsPerMinute: 2 });
    const device = await registerTestKiosk(deps, { label: 'Busy' });
    for (let i = 0; i < 2; i += 1) {
      const ok = await kioskPostJson(limited, device, {
        id: crypto.randomUUID(),
        kind: 'need',
        text: `问题${i}`,
        lang: 'zh-CN',
      });
      expect(ok.status).toBe(200);
    }
    const json = await kioskPostJson(limited, device, {
      id: crypto.randomUUID(),
      kind: 'need',
      text: '再一个',
      lang: 'en',
    });
    expect(json.status).toBe(429);
    expect(Number(json.headers.get('retry-after'))).toBeGreaterThan(0);
    const form = await kioskPostForm(limited, '/kiosk/need', device, {
      receipt: crypto.randomUUID(),
      text: '表单',
    });
    expect(form.status).toBe(429);
    expect(await form.text()).toContain('提交太频繁了');
  });

  it('keeps the countdown at 20 seconds or more whatever it is configured to', async () => {
    const quick = createKioskApp(deps, { idleSeconds: 1, countdownSeconds: 5 });
    const html = await (await kioskGet(quick, '/kiosk?lang=en', kiosk)).text();
    expect(html).toContain('data-countdown-seconds="20"');
    expect(html).toContain('data-idle-seconds="10"');
  });
});

describe('activation and console problems', () => {
  it('a wrong token is refused with the form shown again', async () => {
    const page = await app.request('/kiosk/activate', { headers: { accept: 'text/html' } });
    const cookie = page.headers
      .getSetCookie()
      .find((c) => c.startsWith('csrf='))!
      .split(';')[0]!;
    const csrf = (await page.text()).match(/name="_csrf" value="([^"]+)"/)![1]!;
    const res = await app.request('/kiosk/activate', {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: csrf, device: kiosk.id, token: 'AAAA-BBBB' }),
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('设备编号或密钥不对');
    expect(res.headers.getSetCookie().some((c) => c.includes('kiosk_device'))).toBe(false);
  });

  it('registering without a name or place shows each problem; switching off an unknown kiosk is 404', async () => {
    const admin = await makeStaff(deps, ['admin']);
    const { cookie, csrfToken } = await signInDirectly(deps, admin.id);
    const headers = { accept: 'text/html', cookie, 'content-type': 'application/x-www-form-urlencoded' };
    const res = await app.request('/console/kiosks', {
      method: 'POST',
      headers,
      body: new URLSearchParams({ _csrf: csrfToken, label: '', 'location.zh-CN': '' }),
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('href="#field-label"');
    expect(html).toContain('href="#field-location-zh-CN"');
    expect(html).toContain('请填写设备名称');
    const gone = await app.request('/console/kiosks/00000000-0000-4000-8000-000000000000/deactivate', {
      method: 'POST',
      headers,
      body: new URLSearchParams({ _csrf: csrfToken }),
    });
    expect(gone.status).toBe(404);
  });
});
