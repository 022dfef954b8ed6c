import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { proxyRecords, proxyVisits, STAFF_ROLES } from '../../src/db/schema.ts';
import { PROXY_SUPERVISOR_ROLES, PROXY_WRITER_ROLES } from '../../src/proxy/proxy-roles.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { staffRouteRegistry } from '../http/staff-auth.ts';
import {
  createProxyHarness,
  hiddenValue,
  type Member,
  newResident,
  newTopic,
  type ProxyHarness,
  postRecordJson,
  recordThroughForms,
  startVisitThroughForm,
} from './proxy-test-kit.ts';

let database: TestDatabase;
let h: ProxyHarness;
let worker: Member;
let other: Member;
let supervisor: Member;

beforeAll(async () => {
  database = await createTestDatabase();
  h = await createProxyHarness(database);
  worker = await h.member(['grid_worker']);
  other = await h.member(['grid_worker']);
  supervisor = await h.member(['supervisor']);
});

afterEach(async () => {
  for (const m of [worker, other]) await h.endVisit(m);
});

afterAll(async () => {
  await h.deps.close();
  await database.close();
});

const proxyRoutes = () =>
  staffRouteRegistry.filter((r) => r.path === '/proxy' || r.path.startsWith('/proxy/'));

function concrete(path: string): string {
  return path.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000');
}

describe('roles', () => {
  it('registers every proxy route for grid workers, supervisors, or both — nobody else', () => {
    const routes = proxyRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(20);
    for (const r of routes) {
      expect(
        r.roles.every((role) => [...PROXY_WRITER_ROLES, ...PROXY_SUPERVISOR_ROLES].includes(role)),
        r.path,
      ).toBe(true);
    }
    expect(
      routes
        .filter((r) => r.path.startsWith('/proxy/supervision'))
        .every((r) => r.roles.join() === 'supervisor'),
    ).toBe(true);
    expect(routes.find((r) => r.method === 'POST' && r.path === '/proxy/api/records')?.roles).toEqual([
      'grid_worker',
    ]);
  });

  it('refuses every proxy route to anonymous requests and to staff without the role', async () => {
    const wrong: string[] = [];
    for (const r of proxyRoutes()) {
      const anonymous = await h.app.request(concrete(r.path), {
        method: r.method,
        headers: { accept: 'application/json' },
      });
      if (anonymous.status !== 401) wrong.push(`${r.method} ${r.path} anonymous: ${anonymous.status}`);
      for (const role of STAFF_ROLES.filter((x) => !r.roles.includes(x))) {
        const member = await h.member([role]);
        const res = await h.app.request(concrete(r.path), {
          method: r.method,
          headers: {
            accept: 'text/html',
            cookie: member.session.cookie,
            'x-csrf-token': member.session.csrfToken,
          },
        });
        if (res.status !== 403) wrong.push(`${r.method} ${r.path} as ${role}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a supervisor cannot write records', async () => {
    const res = await h.postJson('/proxy/api/records', { id: randomUUID() }, supervisor);
    expect(res.status).toBe(403);
  });
});

describe('forgery', () => {
  it('refuses a form or a queued record without the session CSRF token, storing nothing', async () => {
    const resident = await newResident(h.system, { communityId: h.communityId });
    const form = await h.post(
      '/proxy/visits',
      { residentId: resident.id, reason: 'mobility', locale: 'zh-CN', consentKind: 'verbal' },
      worker,
      { csrf: null },
    );
    expect(form.status).toBe(403);
    expect(
      await database.db.select().from(proxyVisits).where(eq(proxyVisits.residentId, resident.id)),
    ).toEqual([]);
    const forged = await h.post(
      '/proxy/visits',
      { residentId: resident.id, reason: 'mobility', locale: 'zh-CN', consentKind: 'verbal' },
      worker,
      { csrf: other.session.csrfToken },
    );
    expect(forged.status).toBe(403);
    const json = await h.postJson('/proxy/api/records', { id: randomUUID() }, worker, { csrf: null });
    expect(json.status).toBe(403);
  });
});

describe("one proxy's visits and records are not another's", () => {
  it('cannot end, extend, record in or look at another proxy’s visit and records', async () => {
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(h.system, { communityId: h.communityId });
    await startVisitThroughForm(h, worker, resident.id);
    const visitId = hiddenValue((await h.get('/proxy/visit', worker)).html, 'visitId');
    const { recordId } = await recordThroughForms(h, worker, {
      kind: 'opinion',
      formId: 'opinion',
      topic: topic.code,
      choice: 'support',
    });

    expect((await h.post(`/proxy/visits/${visitId}/end`, {}, other)).status).toBe(404);
    expect((await h.post(`/proxy/visits/${visitId}/extend`, {}, other)).status).toBe(404);
    expect((await h.get(`/proxy/records/${recordId}`, other)).status).toBe(404);
    const values = { kind: 'opinion', topic: topic.code, choice: 'oppose' } as const;
    const intruding = await postRecordJson(h, other, visitId, values);
    expect(intruding.status).toBe(404);
    const [visit] = await database.db.select().from(proxyVisits).where(eq(proxyVisits.id, visitId));
    expect(visit?.endedAt).toBeNull();
    // A supervisor may look.
    expect((await h.get(`/proxy/records/${recordId}`, supervisor)).status).toBe(200);
  });
});

describe('a submitted record cannot be edited', () => {
  it('by any route: no edit route exists, a resubmission with changed words returns the first record, the database refuses', async () => {
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(h.system, { communityId: h.communityId });
    await startVisitThroughForm(h, worker, resident.id);
    const visitId = hiddenValue((await h.get('/proxy/visit', worker)).html, 'visitId');
    const values = { kind: 'opinion', topic: topic.code, choice: 'suggestion', text: '原话' } as const;
    const id = randomUUID();
    const first = await postRecordJson(h, worker, visitId, values, id);
    const recordId = (first.body as { recordId: string }).recordId;
    const [before] = await database.db.select().from(proxyRecords).where(eq(proxyRecords.id, recordId));

    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      const res = await h.app.request(`/proxy/records/${recordId}`, {
        method,
        headers: {
          cookie: worker.session.cookie,
          'x-csrf-token': worker.session.csrfToken,
          accept: 'application/json',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ text: '改过的话' }),
      });
      expect([404, 405], method).toContain(res.status);
    }
    const changed = { ...values, text: '改过的话' };
    const again = await postRecordJson(h, worker, visitId, changed, id);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, recordId } });
    await expect(
      database.db.update(proxyRecords).set({ text: '改过的话' }).where(eq(proxyRecords.id, recordId)),
    ).rejects.toThrow();
    const [after] = await database.db.select().from(proxyRecords).where(eq(proxyRecords.id, recordId));
    expect(after).toEqual(before);
  });
});

describe('what the resident said is shown as text, never as markup', () => {
  it('escapes words in the read-back page and the record page; pages carry a strict CSP', async () => {
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(h.system, { communityId: h.communityId, name: '<b>李</b>' });
    await startVisitThroughForm(h, worker, resident.id);
    const visitId = hiddenValue((await h.get('/proxy/visit', worker)).html, 'visitId');
    const words = '<script>alert(1)</script>';
    const page = await h.post(
      '/proxy/visit/read-back',
      { visitId, kind: 'opinion', formId: 'opinion', topic: topic.code, choice: 'suggestion', text: words },
      worker,
    );
    expect(page.status).toBe(200);
    expect(page.html).not.toContain(words);
    expect(page.html).toContain('&lt;script&gt;');
    expect(page.html).not.toContain('<b>李</b>');
    const csp = page.res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const { recordId } = await recordThroughForms(h, worker, {
      kind: 'opinion',
      formId: 'opinion',
      topic: topic.code,
      choice: 'suggestion',
      text: words,
    });
    const record = await h.get(`/proxy/records/${recordId}`, worker);
    expect(record.html).not.toContain(words);
  });
});
