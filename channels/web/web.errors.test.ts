import { eq } from 'drizzle-orm';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { intakes, phoneVerifications } from '../../src/db/schema.ts';
import { findOrCreateResidentByPhone } from '../../src/residents/find-or-create-resident-by-phone.ts';
import { setChannelOptOut } from '../../src/residents/set-channel-opt-out.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { depsCtx } from '../console/console-test-kit.ts';
import {
  codeForPage,
  formIn,
  loadWebFixture,
  type PageResult,
  testMobile,
  titleOf,
  WebClient,
  type WebFixture,
} from './web-test-kit.ts';

let database: TestDatabase;
let deps: TestAppDeps;
let app: Hono<never>;
let fixture: WebFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = createTestAppDeps(database);
  fixture = await loadWebFixture(deps);
  app = createApp(deps) as unknown as Hono<never>;
});

afterAll(async () => {
  await deps.close();
  await database.close();
});

const code = (key: string) => fixture.topics[key] ?? '';

async function walk(
  client: WebClient,
  start: PageResult,
  answers: Record<string, string>[],
): Promise<PageResult> {
  let page = start;
  for (const answer of answers) page = await client.submit(page, { action: 'continue', ...answer });
  return page;
}

/** The GOV.UK error pattern: title prefixed, a summary linking to the field, the field's own message. */
function expectFieldError(page: PageResult, field: string, message: string, titlePrefix = 'Error: ') {
  expect(page.status).toBe(400);
  expect(titleOf(page.html).startsWith(titlePrefix)).toBe(true);
  expect(page.html).toMatch(/<div class="error-summary" role="alert"[^>]*tabindex="-1" autofocus="">/);
  expect(page.html).toContain(`<a href="#field-${field}">${message}</a>`);
  expect(page.html).toContain(`id="field-${field}-error"`);
  expect(page.html).toContain(`aria-describedby="field-${field}`);
}

describe('form validation', () => {
  it('asks again for a stance, with the error summary and the field message', async () => {
    const client = new WebClient(app, { language: 'en' });
    const first = await client.get(`/topics/${code('night-parking')}/opinion`);
    const page = await client.submit(first, { action: 'continue' });
    expectFieldError(page, 'stance', 'Choose whether you support it, oppose it or have a suggestion.');
    expect(page.html).toContain('Question 1 of 3');
  });

  it('uses the reader’s language for the title prefix and messages', async () => {
    const client = new WebClient(app, { language: 'zh-HK' });
    const first = await client.get('/report');
    const page = await client.submit(first, { action: 'continue', what: '   ' });
    expectFieldError(page, 'what', '請說明是甚麼需要或問題。', '錯誤：');
  });

  it('needs a comment for a suggestion, and keeps what was chosen', async () => {
    const client = new WebClient(app, { language: 'en' });
    const first = await client.get(`/topics/${code('night-parking')}/opinion`);
    const page = await walk(client, first, [{ stance: 'suggestion' }, { comment: '' }]);
    expectFieldError(page, 'comment', 'Write your suggestion, or choose support or oppose.');
    expect(formIn(page.html).fields.stance).toBe('suggestion');
  });

  it('refuses a comment that is too long and shows it again as typed', async () => {
    const client = new WebClient(app, { language: 'en' });
    const first = await client.get(`/topics/${code('night-parking')}/opinion`);
    const long = `${'长'.repeat(2000)}多`;
    const page = await walk(client, first, [{ stance: 'oppose' }, { comment: long }]);
    expectFieldError(page, 'comment', 'Use 2000 characters or fewer.');
    expect(page.html).toContain(`${long}</textarea>`);
  });

  it('refuses a phone number that is not one, keeping it and the other answers', async () => {
    const client = new WebClient(app, { language: 'en' });
    const first = await client.get('/report');
    const page = await walk(client, first, [
      { what: 'Broken light' },
      { where: 'Block 5' },
      { impact: '' },
      { phone: '12345' },
    ]);
    expectFieldError(page, 'phone', 'Enter a mobile phone number, like 138 0013 8000.');
    expect(page.html).toContain('value="12345"');
    expect(formIn(page.html).fields).toMatchObject({ what: 'Broken light', where: 'Block 5' });
  });

  it('needs a phone number to ask for a home visit', async () => {
    const client = new WebClient(app, { language: 'zh-CN' });
    const first = await client.get('/visit');
    const page = await walk(client, first, [{ address: '2号楼1单元302' }, { reason: '' }, { phone: '' }]);
    expectFieldError(page, 'phone', '请输入您的手机号码。', '错误：');
  });

  it('sends back to an earlier question that a stale or edited form skipped', async () => {
    const client = new WebClient(app, { language: 'en' });
    const first = await client.get('/report');
    const ref = formIn(first.html).fields.ref!;
    const page = await client.postRaw('/report', {
      _csrf: formIn(first.html).fields._csrf!,
      ref,
      step: 'phone',
      action: 'continue',
      where: 'Block 5',
    });
    expectFieldError(page, 'what', 'Describe the need or problem.');
    const stored = await database.db.select().from(intakes).where(eq(intakes.externalId, ref));
    expect(stored).toHaveLength(0);
  });

  it('asks for a survey answer and refuses one that is not offered', async () => {
    const client = new WebClient(app, { language: 'en' });
    const first = await client.get(`/surveys/${fixture.surveyCode}`);
    expectFieldError(await client.submit(first, {}), 'answer', 'Choose an answer.');
    expectFieldError(await client.submit(first, { answer: 'meh' }), 'answer', 'Choose one of the options.');
  });
});

describe('the one-time code', () => {
  async function codePage(client: WebClient): Promise<PageResult> {
    const first = await client.get(`/topics/${code('night-parking')}/follow`);
    return walk(client, first, [{ channel: 'sms' }, { phone: testMobile() }]);
  }

  it('says how many tries are left after a wrong code, then that a new code is needed', async () => {
    const client = new WebClient(app, { language: 'en' });
    const page = await codePage(client);
    const right = await codeForPage(database, page);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    const first = await client.submit(page, { action: 'continue', code: wrong });
    expectFieldError(first, 'code', 'That code is not right. You can try 4 more times.');
    let last = first;
    for (let i = 0; i < 4; i += 1) last = await client.submit(page, { action: 'continue', code: wrong });
    expect(last.status).toBe(429);
    expect(last.html).toContain('That code has been tried too many times. Ask for a new code.');
    const refused = await client.submit(page, { action: 'continue', code: right });
    expect(refused.status).toBe(429);
  });

  it('says a code has run out after ten minutes, and a new one works', async () => {
    const client = new WebClient(app, { language: 'en' });
    const page = await codePage(client);
    const right = await codeForPage(database, page);
    deps.clock.advance(10 * 60_000 + 1000);
    try {
      expectFieldError(
        await client.submit(page, { action: 'continue', code: right }),
        'code',
        'That code has run out. Ask for a new code.',
      );
      const resent = await client.submit(page, { action: 'resend' });
      expect(resent.status).toBe(200);
      const done = await client.submit(resent, {
        action: 'continue',
        code: await codeForPage(database, resent),
      });
      expect(done.html).toContain('You are following');
    } finally {
      deps.clock.advance(-(10 * 60_000 + 1000));
    }
  });

  it('asks for the code when it is missing or malformed', async () => {
    const client = new WebClient(app, { language: 'en' });
    const page = await codePage(client);
    expectFieldError(
      await client.submit(page, { action: 'continue', code: '' }),
      'code',
      'Enter the 6-digit code from the text message.',
    );
    expectFieldError(
      await client.submit(page, { action: 'continue', code: '12a' }),
      'code',
      'The code is 6 digits, like 123456.',
    );
  });

  it('stops sending codes to one number after three in an hour, keeping the form', async () => {
    const phone = testMobile();
    let last: PageResult | undefined;
    for (let i = 0; i < 4; i += 1) {
      const client = new WebClient(app, { language: 'en' });
      const first = await client.get('/visit');
      last = await walk(client, first, [{ address: 'Block 9' }, { reason: '' }, { phone }]);
    }
    expect(last!.status).toBe(429);
    expect(last!.res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(last!.html).toContain('We have sent 3 codes to this number in the last hour.');
    expect(formIn(last!.html).fields.address).toBe('Block 9');
    const rows = await database.db
      .select()
      .from(phoneVerifications)
      .where(eq(phoneVerifications.phoneHash, deps.pii.phoneHash(`+86${phone}`)));
    expect(rows).toHaveLength(3);
  });

  it('explains that a number which opted out of SMS cannot get a code', async () => {
    const phone = testMobile();
    const ctx = depsCtx(deps);
    const found = await findOrCreateResidentByPhone(ctx, { phone });
    await setChannelOptOut(ctx, {
      residentId: found!.resident.id,
      channel: 'sms',
      optedOut: true,
      reason: 'reply:TD',
    });
    const client = new WebClient(app, { language: 'en' });
    const first = await client.get('/report');
    const page = await walk(client, first, [
      { what: 'Leak' },
      { where: 'Block 1' },
      { impact: '' },
      { phone },
    ]);
    expect(page.status).toBe(409);
    expect(page.html).toContain('This number has asked not to get text messages');
  });
});

describe('pages that do not exist', () => {
  it('answers an unknown, unpublished or malformed topic with a 404 page', async () => {
    const client = new WebClient(app, { language: 'en' });
    for (const path of [
      '/topics/T9999',
      `/topics/${code('service-centre-ramp')}`,
      '/topics/nonsense',
      '/topics/T9999/opinion',
      '/topics/T9999/follow',
    ]) {
      const page = await client.get(path);
      expect(page.status, path).toBe(404);
      expect(titleOf(page.html), path).toMatch(/^Topic not found/);
    }
  });

  it('offers a page in the reader’s language for an address nothing serves', async () => {
    const site = createApp(deps);
    const client = new WebClient(site as unknown as Hono<never>, { language: 'zh-HK' });
    const page = await client.get('/no/such/page?contrast=high');
    expect(page.status).toBe(404);
    expect(titleOf(page.html)).toMatch(/^找不到頁面/);
    expect(page.html).toContain('<html lang="zh-HK" class="contrast-high"');
    expect(page.res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const api = await site.request('/no/such/api', {
      headers: { accept: 'application/json', 'accept-language': 'en' },
    });
    expect(api.status).toBe(404);
    const body = (await api.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error).toMatchObject({ code: 'not_found', message: 'Page not found' });
    expect(body.error.requestId).toBe(api.headers.get('x-request-id'));
  });

  it('answers an unknown survey with a 404 page', async () => {
    const page = await new WebClient(app, { language: 'en' }).get('/surveys/S999');
    expect(page.status).toBe(404);
    expect(page.html).toContain('There is no survey S999.');
  });

  it('says a topic no longer takes opinions, with no form, and refuses a late submission', async () => {
    const client = new WebClient(app, { language: 'en' });
    const closed = code('rubbish-sorting');
    const page = await client.get(`/topics/${closed}/opinion`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('This topic is not taking opinions at the moment.');
    expect(page.html).not.toContain('<form method="post"');
    const open = await client.get(`/topics/${code('night-parking')}/opinion`);
    const late = await client.postRaw(`/topics/${closed}/opinion`, {
      ...formIn(open.html).fields,
      step: 'phone',
      stance: 'support',
      action: 'continue',
    });
    expect(late.status).toBe(409);
  });
});
