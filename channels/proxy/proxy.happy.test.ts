import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newSurvey, THREE_QUESTIONS } from '../../src/conversations/conversation-test-kit.ts';
import {
  intakes,
  opinions,
  proxyAlerts,
  proxyConfirmations,
  proxyRecords,
  residents,
} from '../../src/db/schema.ts';
import { answerProxyConfirmation } from '../../src/proxy/answer-proxy-confirmation.ts';
import { readBackFor } from '../../src/proxy/proxy-test-kit.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { PROXY_CSS_PATH, PROXY_JS_PATH, PROXY_KIT_PATH } from './proxy-assets.ts';
import {
  createProxyHarness,
  hiddenValue,
  type Member,
  newResident,
  newTopic,
  type ProxyHarness,
  recordThroughForms,
  startVisitThroughForm,
} from './proxy-test-kit.ts';

let database: TestDatabase;
let h: ProxyHarness;
let worker: Member;
let colleague: Member;
let supervisor: Member;

beforeAll(async () => {
  database = await createTestDatabase();
  h = await createProxyHarness(database);
  worker = await h.member(['grid_worker'], { displayName: '王丽' });
  colleague = await h.member(['grid_worker'], { displayName: '张强' });
  supervisor = await h.member(['supervisor'], { displayName: '赵督导' });
});

afterEach(async () => {
  // A test that fails midway must not leave its visit open for the next one.
  await h.endVisit(worker);
});

afterAll(async () => {
  await h.deps.close();
  await database.close();
});

describe('a grid worker on a home visit, without script', () => {
  it('finds the resident, starts the visit, records an opinion with its read-back, and sees it stamped', async () => {
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(h.system, { communityId: h.communityId, name: '李阿姨' });

    const found = await h.post('/proxy/residents', { phone: resident.phone ?? '' }, worker);
    expect(found.status).toBe(200);
    expect(found.html).toContain('李阿姨');
    expect(found.html).toContain(`手机尾号 ${resident.phone?.slice(-4)}`);
    // Only in the search box the proxy typed it into; nowhere in the results or any link.
    expect(found.html.split(resident.phone ?? 'x')).toHaveLength(2);
    const byName = await h.post('/proxy/residents', { name: '李阿' }, worker);
    expect(byName.html).toContain(`/proxy/visits/new?resident=${resident.id}`);
    expect(found.html).toContain(`/proxy/visits/new?resident=${resident.id}`);

    const start = await h.get(`/proxy/visits/new?resident=${resident.id}`, worker);
    expect(start.status).toBe(200);
    expect(start.html).toContain('开始走访：李阿姨');
    await startVisitThroughForm(h, worker, resident.id, { location: '幸福里3号楼' });

    const visit = await h.get('/proxy/visit', worker);
    expect(visit.status).toBe(200);
    expect(visit.html).toContain('走访：李阿姨');
    expect(visit.html).toContain(`${topic.code} 3号楼加装电梯`);
    expect(visit.res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(visit.html).toContain(PROXY_JS_PATH);
    // The shared script comes first: deferred scripts run in the order they stand.
    expect(visit.html.indexOf(PROXY_KIT_PATH)).toBeGreaterThan(-1);
    expect(visit.html.indexOf(PROXY_KIT_PATH)).toBeLessThan(visit.html.indexOf(PROXY_JS_PATH));
    expect(visit.html).toContain(PROXY_CSS_PATH);

    const { readBack, recordId } = await recordThroughForms(h, worker, {
      kind: 'opinion',
      formId: 'opinion',
      topic: topic.code,
      choice: 'support',
      text: '早点装',
    });
    expect(readBack).toBe(`您支持议题${topic.code}《3号楼加装电梯》。\n您的原话：早点装`);

    const after = await h.get(`/proxy/visit?done=${recordId}`, worker);
    expect(after.html).toContain('role="status"');
    expect(after.html).toContain('已提交。');
    expect(after.html).toContain('您的原话：早点装');

    const page = await h.get(`/proxy/records/${recordId}`, worker);
    expect(page.status).toBe(200);
    for (const text of [
      '李阿姨',
      '王丽',
      '行动不便，无法到场',
      '口头同意',
      '幸福里3号楼',
      '第1版',
      '等待居民回复确认',
    ]) {
      expect(page.html).toContain(text);
    }
    const [stored] = await database.db.select().from(proxyRecords).where(eq(proxyRecords.id, recordId));
    const [intake] = await database.db
      .select()
      .from(intakes)
      .where(eq(intakes.id, stored?.intakeId ?? ''));
    expect(intake).toMatchObject({ channel: 'proxy', externalId: stored?.clientId, proxyStaffId: worker.id });
    await h.endVisit(worker);
  });

  it('registers a resident without a phone, records a need, and another grid worker confirms it in person', async () => {
    const registered = await h.post(
      '/proxy/residents/new',
      { name: '陈伯', phone: '', communityId: h.communityId, locale: 'zh-HK' },
      worker,
    );
    expect(registered.status).toBe(303);
    const residentId = /resident=([0-9a-f-]{36})/.exec(registered.location ?? '')?.[1] ?? '';
    const [row] = await database.db.select().from(residents).where(eq(residents.id, residentId));
    expect(row).toMatchObject({
      name: '陈伯',
      phoneCipher: null,
      preferredLocale: 'zh-HK',
      preferredChannel: 'visit',
    });

    await startVisitThroughForm(h, worker, residentId, { locale: 'zh-HK' });
    const { recordId, readBack } = await recordThroughForms(h, worker, {
      kind: 'need',
      formId: 'need',
      text: '樓梯燈壞了',
      place: '5號樓',
    });
    expect(readBack).toBe('您反映一個問題或需求。\n您的原話：樓梯燈壞了\n地點：5號樓');
    const done = await h.get(`/proxy/visit?done=${recordId}`, worker);
    expect(done.html).toContain('已列入回访名单');
    await h.endVisit(worker);

    // Not on the writer's own list; on a colleague's.
    expect((await h.get('/proxy', worker)).html).not.toContain(`/proxy/second-visits/${residentId}`);
    const list = await h.get('/proxy', colleague);
    expect(list.html).toContain(`/proxy/second-visits/${residentId}`);
    const check = await h.get(`/proxy/second-visits/${residentId}`, colleague);
    expect(check.html).toContain('樓梯燈壞了');
    const answered = await h.post(
      `/proxy/second-visits/${residentId}/answer`,
      { recordId, answer: 'confirmed' },
      colleague,
    );
    expect(answered.status).toBe(303);
    const [confirmation] = await database.db
      .select()
      .from(proxyConfirmations)
      .where(eq(proxyConfirmations.recordId, recordId));
    expect(confirmation).toMatchObject({
      status: 'confirmed',
      answeredVia: 'visit',
      answeredByStaffId: colleague.id,
    });
    expect((await h.get(`/proxy/second-visits/${residentId}`, colleague)).html).toContain(
      '没有需要回访确认的记录',
    );
  });

  it('records a survey answer and a vote through the same forms', async () => {
    const resident = await newResident(h.system, { communityId: h.communityId });
    const deliberating = await newTopic(database.db, 'deliberating');
    const evaluating = await newTopic(database.db, 'evaluating');
    const { survey, questions } = await newSurvey(
      database.db,
      [
        ...THREE_QUESTIONS,
        {
          kind: 'yes_no',
          prompt: {
            'zh-CN': '电梯每天都能正常使用吗？',
            'zh-HK': '電梯每天都能正常使用嗎？',
            en: 'Does the lift work every day?',
          },
        },
      ],
      evaluating.id,
    );
    await startVisitThroughForm(h, worker, resident.id);
    const visit = await h.get('/proxy/visit', worker);
    expect(visit.html).toContain(`${survey.code}`);
    const q2 = questions.find((q) => q.kind === 'yes_no');
    if (!q2) throw new Error('no yes/no question');
    const answer = await recordThroughForms(h, worker, {
      kind: 'survey_answer',
      formId: `survey-${q2.id}`,
      survey: survey.code,
      question: q2.id,
      choice: 'yes',
    });
    expect(answer.readBack).toContain('您的回答：是');
    const vote = await recordThroughForms(h, worker, {
      kind: 'vote',
      formId: 'vote',
      topic: deliberating.code,
      choice: 'oppose',
    });
    expect(vote.readBack).toBe(`您在议题${deliberating.code}《3号楼加装电梯》的表决中投反对票。`);
    await h.endVisit(worker);
  });

  it('corrects a record during a visit: a new version, the old one kept and marked superseded', async () => {
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(h.system, { communityId: h.communityId });
    await startVisitThroughForm(h, worker, resident.id);
    const first = await recordThroughForms(h, worker, {
      kind: 'opinion',
      formId: 'opinion',
      topic: topic.code,
      choice: 'support',
    });
    const recordPage = await h.get(`/proxy/records/${first.recordId}`, worker);
    expect(recordPage.html).toContain(`/proxy/visit?correct=${first.recordId}`);
    const correcting = await h.get(`/proxy/visit?correct=${first.recordId}`, worker);
    expect(correcting.html).toContain('更正这条记录');
    expect(hiddenValue(correcting.html, 'correctsId')).toBe(first.recordId);
    const second = await recordThroughForms(h, worker, {
      kind: 'opinion',
      formId: 'opinion',
      topic: topic.code,
      choice: 'oppose',
      correctsId: first.recordId,
      correctionNote: '记反了',
    });
    expect(second.readBack.startsWith('这是对之前一条记录的更正。')).toBe(true);
    const old = await h.get(`/proxy/records/${first.recordId}`, worker);
    expect(old.html).toContain('已被更正');
    expect(old.html).toContain(`/proxy/records/${second.recordId}`);
    const stored = await database.db
      .select()
      .from(proxyRecords)
      .where(eq(proxyRecords.residentId, resident.id));
    expect(stored.map((r) => [r.version, r.choice]).sort()).toEqual([
      [1, 'support'],
      [2, 'oppose'],
    ]);
    await h.endVisit(worker);
  });
});

describe('the offline queue endpoint', () => {
  it('stores a record once however many times the phone sends it, answering the repeat with the same record', async () => {
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(h.system, { communityId: h.communityId });
    await startVisitThroughForm(h, worker, resident.id);
    const visitId = hiddenValue((await h.get('/proxy/visit', worker)).html, 'visitId');
    const values = { kind: 'opinion', topic: topic.code, choice: 'suggestion', text: '加装扶手' } as const;
    const item = {
      id: randomUUID(),
      visitId,
      ...values,
      readBackText: await readBackFor(h.system, values),
      readBackConfirmed: true,
      at: h.deps.clock.now().toISOString(),
    };
    const first = await h.postJson('/proxy/api/records', item, worker);
    const again = await h.postJson('/proxy/api/records', item, worker);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      duplicate: true,
      recordId: (first.body as { recordId: string }).recordId,
    });
    expect(
      await database.db.select().from(proxyRecords).where(eq(proxyRecords.clientId, item.id)),
    ).toHaveLength(1);
    expect(await database.db.select().from(opinions).where(eq(opinions.topicId, topic.id))).toHaveLength(1);
    await h.endVisit(worker);
  });
});

describe('the supervisor', () => {
  it('sees rates per proxy and the alert for a disputed record, and notes what was done', async () => {
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(h.system, { communityId: h.communityId, name: '周奶奶' });
    await startVisitThroughForm(h, worker, resident.id);
    const { recordId } = await recordThroughForms(h, worker, {
      kind: 'opinion',
      formId: 'opinion',
      topic: topic.code,
      choice: 'support',
    });
    await h.endVisit(worker);
    await answerProxyConfirmation(
      { ...h.system, actor: { type: 'resident', via: 'sms', residentId: resident.id } },
      { proxyRecordId: recordId, answer: 'disputed', via: 'sms' },
    );
    const view = await h.get('/proxy/supervision', supervisor);
    expect(view.status).toBe(200);
    expect(view.html).toContain('王丽为周奶奶代笔');
    expect(view.html).toContain('居民说有误');
    const [alert] = await database.db.select().from(proxyAlerts).where(eq(proxyAlerts.recordId, recordId));
    const ack = await h.post(
      `/proxy/supervision/alerts/${alert?.id}/acknowledge`,
      { note: '已电话核实，确为记错' },
      supervisor,
    );
    expect(ack.status).toBe(303);
    const after = await h.get('/proxy/supervision?acknowledged=1', supervisor);
    expect(after.html).not.toContain('王丽为周奶奶代笔');
    expect(after.html).toContain('已记录处理结果');
    const records = await h.get(`/proxy/supervision/proxies/${worker.id}`, supervisor);
    expect(records.html).toContain('居民说有误');
    const home = await h.get('/proxy', supervisor);
    expect(home.html).toContain('/proxy/supervision');
  });

  it('sees the anomaly flags with how they are measured', async () => {
    const busy = await h.member(['grid_worker'], { displayName: '刘忙' });
    const topic = await newTopic(database.db, 'published');
    for (let i = 0; i < 7; i += 1) {
      const resident = await newResident(h.system, { communityId: h.communityId });
      await startVisitThroughForm(h, busy, resident.id);
      await recordThroughForms(h, busy, {
        kind: 'opinion',
        formId: 'opinion',
        topic: topic.code,
        choice: 'suggestion',
        text: '希望尽快在三号楼加装电梯，方便老人上下楼',
      });
      await h.endVisit(busy);
      h.deps.clock.advance(60_000);
    }
    const view = await h.get('/proxy/supervision', supervisor);
    expect(view.html).toContain('刘忙');
    expect(view.html).toContain('需要关注');
    expect(view.html).toContain('组内容几乎相同的记录');
    expect(view.html).toContain('一小时内最多记录了 7 条');
    expect(view.html).toContain('Jaccard');
  });
});

describe('assets', () => {
  it('serves the scripts and stylesheet outside /proxy, with an ETag', async () => {
    for (const path of [PROXY_KIT_PATH, PROXY_JS_PATH, PROXY_CSS_PATH]) {
      const res = await h.app.request(path);
      expect(res.status).toBe(200);
      const etag = res.headers.get('etag') ?? '';
      expect(etag).not.toBe('');
      expect((await h.app.request(path, { headers: { 'if-none-match': etag } })).status).toBe(304);
    }
  });
});
