import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { proxyAlerts, proxyRecords } from '../../src/db/schema.ts';
import { answerProxyConfirmation } from '../../src/proxy/answer-proxy-confirmation.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import {
  createProxyHarness,
  hiddenValue,
  type Member,
  newResident,
  newTopic,
  type ProxyHarness,
  postRecordJson,
  startVisitThroughForm,
} from './proxy-test-kit.ts';

let database: TestDatabase;
let h: ProxyHarness;
let worker: Member;
let supervisor: Member;

beforeAll(async () => {
  database = await createTestDatabase();
  h = await createProxyHarness(database);
  worker = await h.member(['grid_worker']);
  supervisor = await h.member(['supervisor']);
});

afterEach(async () => {
  worker = await h.signIn(worker);
  supervisor = await h.signIn(supervisor);
  await h.endVisit(worker);
});

afterAll(async () => {
  await h.deps.close();
  await database.close();
});

function summaryLinks(html: string): string[] {
  const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1] ?? '');
}

describe('starting a visit', () => {
  it('without a reason or consent: the page again, titled Error, a summary linking to each field, values kept', async () => {
    const resident = await newResident(h.system, { communityId: h.communityId });
    const res = await h.post(
      '/proxy/visits',
      { residentId: resident.id, locale: 'zh-CN', location: '3号楼' },
      worker,
    );
    expect(res.status).toBe(400);
    expect(res.html).toMatch(/<title>错误：/);
    expect(summaryLinks(res.html)).toEqual(['field-reason', 'field-consentKind']);
    expect(res.html).toContain('id="field-reason"');
    expect(res.html).toContain('value="3号楼"');
  });

  it('for a deaf resident without the interpreter, or a guardian without a name', async () => {
    const resident = await newResident(h.system, { communityId: h.communityId });
    const res = await h.post(
      '/proxy/visits',
      { residentId: resident.id, reason: 'hearing', locale: 'zh-CN', consentKind: 'guardian' },
      worker,
    );
    expect(res.status).toBe(400);
    expect(summaryLinks(res.html)).toEqual(['field-interpreterName', 'field-guardianName']);
    expect(res.html).toContain('请填写在场翻译');
  });

  it('while another visit is open: refused with a way to continue it', async () => {
    const a = await newResident(h.system, { communityId: h.communityId });
    const b = await newResident(h.system, { communityId: h.communityId });
    await startVisitThroughForm(h, worker, a.id);
    const res = await h.post(
      '/proxy/visits',
      { residentId: b.id, reason: 'mobility', locale: 'zh-CN', consentKind: 'verbal' },
      worker,
    );
    expect(res.status).toBe(409);
    expect(res.html).toContain('href="/proxy/visit"');
    expect((await h.get(`/proxy/visits/new?resident=${b.id}`, worker)).status).toBe(409);
  });

  it('for a resident who does not exist', async () => {
    expect((await h.get(`/proxy/visits/new?resident=${randomUUID()}`, worker)).status).toBe(404);
  });
});

describe('finding and registering residents', () => {
  it('explains a phone number that is not one, and an empty search', async () => {
    const bad = await h.post('/proxy/residents', { phone: '12' }, worker);
    expect(bad.status).toBe(400);
    expect(summaryLinks(bad.html)).toEqual(['field-phone']);
    const empty = await h.post('/proxy/residents', {}, worker);
    expect(empty.status).toBe(400);
  });

  it('offers the resident already registered with a phone number instead of a second one', async () => {
    const known = await newResident(h.system, { communityId: h.communityId });
    const res = await h.post(
      '/proxy/residents/new',
      { name: '重复', phone: known.phone ?? '', communityId: h.communityId, locale: 'zh-CN' },
      worker,
    );
    expect(res.status).toBe(400);
    expect(res.html).toContain(`/proxy/visits/new?resident=${known.id}`);
    const missing = await h.post(
      '/proxy/residents/new',
      { name: '', communityId: '', locale: 'zh-CN' },
      worker,
    );
    expect(summaryLinks(missing.html)).toEqual(['field-name', 'field-communityId']);
  });
});

describe('recording', () => {
  it('an opinion without a stance: the visit page again with the problem at the field and the words kept', async () => {
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(h.system, { communityId: h.communityId });
    await startVisitThroughForm(h, worker, resident.id);
    const visitId = hiddenValue((await h.get('/proxy/visit', worker)).html, 'visitId');
    const res = await h.post(
      '/proxy/visit/read-back',
      { visitId, kind: 'opinion', formId: 'opinion', topic: topic.code, text: '先别装' },
      worker,
    );
    expect(res.status).toBe(400);
    expect(res.html).toMatch(/<title>错误：/);
    expect(summaryLinks(res.html)).toEqual(['field-opinion-choice']);
    expect(res.html).toContain('先别装</textarea>');
  });

  it('is not submitted until the read-back is confirmed, and the retry keeps its id', async () => {
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(h.system, { communityId: h.communityId });
    await startVisitThroughForm(h, worker, resident.id);
    const visitId = hiddenValue((await h.get('/proxy/visit', worker)).html, 'visitId');
    const page = await h.post(
      '/proxy/visit/read-back',
      { visitId, kind: 'opinion', formId: 'opinion', topic: topic.code, choice: 'support' },
      worker,
    );
    const clientId = hiddenValue(page.html, 'clientId');
    const fields = {
      visitId,
      kind: 'opinion',
      formId: 'opinion',
      topic: topic.code,
      choice: 'support',
      clientId,
      readBackText: hiddenValue(page.html, 'readBackText'),
    };
    const unconfirmed = await h.post('/proxy/visit/records', fields, worker);
    expect(unconfirmed.status).toBe(400);
    expect(summaryLinks(unconfirmed.html)).toEqual(['field-readBackConfirmed']);
    expect(hiddenValue(unconfirmed.html, 'clientId')).toBe(clientId);
    expect(await database.db.select().from(proxyRecords).where(eq(proxyRecords.clientId, clientId))).toEqual(
      [],
    );
    const confirmed = await h.post('/proxy/visit/records', { ...fields, readBackConfirmed: 'yes' }, worker);
    expect(confirmed.status).toBe(303);
    const again = await h.post('/proxy/visit/records', { ...fields, readBackConfirmed: 'yes' }, worker);
    expect(again.status).toBe(303);
    expect(
      await database.db.select().from(proxyRecords).where(eq(proxyRecords.clientId, clientId)),
    ).toHaveLength(1);
  });

  it('after the visit expired: refused, saying to start again', async () => {
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(h.system, { communityId: h.communityId });
    await startVisitThroughForm(h, worker, resident.id);
    const visitId = hiddenValue((await h.get('/proxy/visit', worker)).html, 'visitId');
    h.deps.clock.advance(31 * 60_000);
    worker = await h.signIn(worker);
    const page = await h.get('/proxy/visit', worker);
    expect(page.status).toBe(409);
    expect(page.html).toContain('请重新开始走访');
    const values = { kind: 'opinion', topic: topic.code, choice: 'support' } as const;
    const res = await postRecordJson(h, worker, visitId, values);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      error: { code: 'conflict', message: expect.stringContaining('重新开始走访') },
    });
  });
});

describe('the offline queue endpoint', () => {
  it('answers bad input with a JSON error naming the field, and stores nothing', async () => {
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(h.system, { communityId: h.communityId });
    await startVisitThroughForm(h, worker, resident.id);
    const visitId = hiddenValue((await h.get('/proxy/visit', worker)).html, 'visitId');
    const values = { kind: 'opinion', topic: topic.code, choice: 'support' } as const;
    const id = randomUUID();
    const mismatch = await h.postJson(
      '/proxy/api/records',
      { id, visitId, ...values, readBackText: '您反对议题', readBackConfirmed: true },
      worker,
    );
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toMatchObject({
      error: {
        code: 'validation_failed',
        fields: [{ field: 'readBackConfirmed', message: expect.stringContaining('不一致') }],
      },
    });
    const notJson = await h.postJson('/proxy/api/records', '{"id":', worker);
    expect(notJson.status).toBe(400);
    const noId = await h.postJson(
      '/proxy/api/records',
      { visitId, ...values, readBackText: '', readBackConfirmed: true },
      worker,
    );
    expect(noId.status).toBe(400);
    expect(await database.db.select().from(proxyRecords).where(eq(proxyRecords.clientId, id))).toEqual([]);
  });

  it('refuses a body over 64 KB', async () => {
    const res = await h.app.request('/proxy/api/records', {
      method: 'POST',
      headers: {
        cookie: worker.session.cookie,
        'x-csrf-token': worker.session.csrfToken,
        'content-type': 'application/json',
        'content-length': String(70_000),
      },
      body: JSON.stringify({ text: 'x'.repeat(69_980) }),
    });
    expect(res.status).toBe(413);
  });
});

describe('supervision', () => {
  it('asks for a note before an alert is closed, and says so for an unknown alert', async () => {
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(h.system, { communityId: h.communityId });
    await startVisitThroughForm(h, worker, resident.id);
    const visitId = hiddenValue((await h.get('/proxy/visit', worker)).html, 'visitId');
    const values = { kind: 'opinion', topic: topic.code, choice: 'support' } as const;
    const made = await postRecordJson(h, worker, visitId, values);
    const { recordId } = made.body as { recordId: string };
    await answerProxyConfirmation(
      { ...h.system, actor: { type: 'resident', via: 'sms', residentId: resident.id } },
      { proxyRecordId: recordId, answer: 'disputed', via: 'sms' },
    );
    const [alert] = await database.db.select().from(proxyAlerts).where(eq(proxyAlerts.recordId, recordId));
    const empty = await h.post(
      `/proxy/supervision/alerts/${alert?.id}/acknowledge`,
      { note: '  ' },
      supervisor,
    );
    expect(empty.status).toBe(400);
    expect(summaryLinks(empty.html)).toEqual([`field-alert-${alert?.id}-note`]);
    expect(empty.html).toContain(`id="field-alert-${alert?.id}-note"`);
    const unknown = await h.post(
      `/proxy/supervision/alerts/${randomUUID()}/acknowledge`,
      { note: '看过' },
      supervisor,
    );
    expect(unknown.status).toBe(404);
  });
});

describe('pages that do not exist', () => {
  it('answer 404 in words', async () => {
    expect((await h.get(`/proxy/records/${randomUUID()}`, worker)).status).toBe(404);
    expect((await h.get('/proxy/records/not-an-id', worker)).status).toBe(404);
    expect((await h.get(`/proxy/supervision/proxies/${randomUUID()}`, supervisor)).status).toBe(404);
    expect((await h.get(`/proxy/second-visits/${randomUUID()}`, worker)).status).toBe(404);
    const noVisit = await h.get('/proxy/visit', worker);
    expect(noVisit.status).toBe(302);
    expect(noVisit.res.headers.get('location')).toBe('/proxy');
  });
});
