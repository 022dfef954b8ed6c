import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakes, opinions } from '../../src/db/schema.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import type { PageEnv } from '../http/env.ts';
import { createWebApp } from './web-app.tsx';
import {
  codeForPage,
  formIn,
  loadWebFixture,
  type PageResult,
  testMobile,
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
  const root = new Hono<PageEnv>();
  root.use(requestId());
  root.route(
    '/',
    createWebApp(deps, {
      // Small limits so that a test can reach them; a fresh prefix so no other run shares the counters.
      limits: {
        submitPerIp: { limit: 3, windowSeconds: 600 },
        submitPerPhone: { limit: 1, windowSeconds: 3600 },
        codesPerIp: { limit: 3, windowSeconds: 3600 },
      },
      limitPrefix: `test:${randomUUID()}:`,
    }),
  );
  app = root as unknown as Hono<never>;
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

async function intakeCount(): Promise<number> {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(intakes);
  return row!.n;
}

describe('cross-site request forgery', () => {
  it('refuses a submission without the form token, or with one that does not match the cookie', async () => {
    const client = new WebClient(app, { language: 'en' });
    const first = await client.get('/report');
    const { fields } = formIn(first.html);
    const before = await intakeCount();
    const answers: Record<string, string> = {
      ...fields,
      step: 'phone',
      what: 'x',
      where: 'y',
      action: 'continue',
    };

    const { _csrf: _token, ...withoutToken } = answers;
    const missing = await client.postRaw('/report', withoutToken);
    expect(missing.status).toBe(403);
    expect(missing.html).toContain('This form has expired');

    const forged = await client.postRaw('/report', { ...answers, _csrf: 'A'.repeat(43) });
    expect(forged.status).toBe(403);

    // Another site's form: the browser withholds the SameSite=Strict cookie.
    const stranger = new WebClient(app);
    expect((await stranger.postRaw('/report', answers)).status).toBe(403);
    expect(await intakeCount()).toBe(before);
  });

  it('sets the form token cookie HttpOnly and SameSite=Strict', async () => {
    const res = await app.request('/report', { headers: { accept: 'text/html' } });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('csrf='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
  });
});

describe('security headers', () => {
  it('sends a script-free Content-Security-Policy and the other protective headers on every page', async () => {
    const client = new WebClient(app);
    for (const path of [
      '/',
      '/topics',
      `/topics/${code('lift-block-3')}`,
      '/report',
      '/accessibility',
      '/topics/T9999',
    ]) {
      const { res } = await client.get(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).toContain("style-src 'self'");
      expect(csp, path).toContain("form-action 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(csp, path).not.toContain('script-src');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('same-origin');
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(res.headers.get('permissions-policy'), path).toContain('camera=()');
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('has no inline script or style attribute in any page', async () => {
    const client = new WebClient(app);
    for (const path of [
      '/',
      '/topics',
      `/topics/${code('lift-block-3')}`,
      `/surveys/${fixture.surveyCode}`,
    ]) {
      const { html } = await client.get(path);
      expect(html, path).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
    }
  });

  it('ignores language and display values it does not know instead of echoing them', async () => {
    const client = new WebClient(app);
    const page = await client.get('/?lang=%22%3E%3Cscript%3E&text=%3Cscript%3E&contrast=%22onload%3D');
    expect(page.html).not.toContain('<script>');
    expect(page.html).toContain('<html lang="zh-CN">');
    expect(page.res.headers.getSetCookie().some((c) => c.includes('script'))).toBe(false);
  });
});

describe('output escaping', () => {
  it('shows a script typed into an opinion as text, inert, on the confirmation page', async () => {
    const client = new WebClient(app, { language: 'en' });
    const payload = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const first = await client.get(`/topics/${code('night-parking')}/opinion`);
    const beforeLast = await walk(client, first, [{ stance: 'suggestion' }, { comment: payload }]);
    // Carried forward in a hidden field, escaped.
    expect(beforeLast.html).toContain(
      'value="&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"',
    );
    const done = await client.submit(beforeLast, { action: 'continue', phone: '' });
    expect(done.status).toBe(200);
    expect(done.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(done.html).not.toContain('<script>');
    expect(done.html).not.toContain('<img');
    const [stored] = await database.db
      .select()
      .from(opinions)
      .where(
        eq(
          opinions.intakeId,
          (
            await database.db
              .select()
              .from(intakes)
              .where(eq(intakes.externalId, formIn(first.html).fields.ref!))
          )[0]!.id,
        ),
      );
    // Stored as typed: escaping is the renderer's job.
    expect(stored!.text).toBe(payload);
  });

  it('escapes quotes in values shown again in form fields', async () => {
    const client = new WebClient(app, { language: 'en' });
    const first = await client.get('/report');
    const page = await walk(client, first, [
      { what: 'x' },
      { where: '"><script>alert(3)</script>' },
      { impact: '' },
      { phone: 'not"a phone' },
    ]);
    expect(page.status).toBe(400);
    expect(page.html).not.toContain('<script>');
    expect(page.html).toContain('value="&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"');
    expect(page.html).toContain('value="not&quot;a phone"');
  });
});

describe('rate limits', () => {
  it('limits submissions per address with a clear page, Retry-After, and nothing stored', async () => {
    const client = new WebClient(app, { language: 'en' });
    const results: PageResult[] = [];
    for (let i = 0; i < 4; i += 1) {
      const first = await client.get('/report');
      results.push(
        await walk(client, first, [
          { what: `problem ${i}` },
          { where: 'here' },
          { impact: '' },
          { phone: '' },
        ]),
      );
    }
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    const limited = results[3]!;
    expect(limited.res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.html).toContain(
      'A lot has been sent from this connection or phone number in a short time.',
    );
    expect(limited.html).toMatch(/<title>Error: /);
    // What was typed is still there to send later.
    expect(formIn(limited.html).fields.what).toBe('problem 3');
    const stored = await database.db.select().from(intakes).where(eq(intakes.text, 'problem 3'));
    expect(stored).toHaveLength(0);

    // Someone else, elsewhere, is not affected.
    const other = new WebClient(app, { language: 'en' });
    const first = await other.get('/report');
    const ok = await walk(other, first, [
      { what: 'elsewhere' },
      { where: 'there' },
      { impact: '' },
      { phone: '' },
    ]);
    expect(ok.status).toBe(200);
  });

  it('limits submissions per verified phone number, whatever the address', async () => {
    const phone = testMobile();
    const statuses: number[] = [];
    for (let i = 0; i < 2; i += 1) {
      const client = new WebClient(app, { language: 'zh-CN' });
      const first = await client.get(`/topics/${code('ebike-charging')}/opinion`);
      const codePage = await walk(client, first, [{ stance: 'support' }, { comment: '' }, { phone }]);
      const done = await client.submit(codePage, {
        action: 'continue',
        code: await codeForPage(database, codePage),
      });
      statuses.push(done.status);
      if (i === 1) expect(done.html).toContain('请 60 分钟后再试');
    }
    expect(statuses).toEqual([200, 429]);
  });

  it('limits code messages requested from one address', async () => {
    const client = new WebClient(app, { language: 'en' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const first = await client.get(`/topics/${code('night-parking')}/follow`);
      const page = await walk(client, first, [{ channel: 'sms' }, { phone: testMobile() }]);
      statuses.push(page.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('refuses an oversized form body', async () => {
    const client = new WebClient(app);
    const first = await client.get('/report');
    const res = await client.postRaw('/report', { ...formIn(first.html).fields, what: 'x'.repeat(100_000) });
    expect(res.status).toBe(413);
  });
});

describe('personal data', () => {
  it('keeps no phone number in plaintext anywhere, and redacts one typed into a comment', async () => {
    const phone = testMobile();
    const client = new WebClient(app, { language: 'en' });
    const first = await client.get(`/topics/${code('lift-block-3')}/opinion`);
    const codePage = await walk(client, first, [
      { stance: 'suggestion' },
      { comment: `call me on ${phone}` },
      { phone },
    ]);
    await client.submit(codePage, { action: 'continue', code: await codeForPage(database, codePage) });
    const dump = await database.db.execute(sql`
      select string_agg(t::text, '|') as everything from (
        select row_to_json(r)::text as t from residents r
        union all select row_to_json(p)::text from phone_verifications p
        union all select row_to_json(d)::text from deliveries d
        union all select row_to_json(i)::text from intakes i
        union all select row_to_json(o)::text from opinions o
        union all select row_to_json(a)::text from audit_log a
      ) s`);
    const everything = String(
      (dump as unknown as { rows: { everything: string }[] }).rows[0]?.everything ?? '',
    );
    expect(everything.length).toBeGreaterThan(0);
    expect(everything).not.toContain(phone.slice(-8));
  });
});
