/**
 * The three lists, the KPI dashboard and participation balance used through the console as staff
 * would: forms, redirects, banners, charts with their tables, and the exports.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../src/app.ts';
import { communities, responsibilityItems } from '../../src/db/schema.ts';
import { contribute, follow as followTopic, topicWithResult } from '../../src/lists/lists-test-kit.ts';
import { superviseResponsibilityItems } from '../../src/lists/supervise-responsibility-items.ts';
import { UTF8_BOM } from '../../src/lists/to-csv.ts';
import { insertResidents, newPlace } from '../../src/outreach/outreach-test-kit.ts';
import type { TestAppDeps } from '../../src/testing/test-app-deps.ts';
import type { TestDatabase } from '../../src/testing/test-database.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { depsCtx } from './console-test-kit.ts';
import { follow, listsTestApp, type Member, member } from './lists-test-kit.ts';

let database: TestDatabase;
let deps: TestAppDeps;
let app: ReturnType<typeof createApp>;
let secretary: Member;
let supervisor: Member;
let housing: Member;
let topic: Topic;
let communityId: string;

const ctx = () => ({ ...depsCtx(deps), clock: deps.clock });

beforeAll(async () => {
  ({ database, deps, app } = await listsTestApp());
  secretary = await member(app, deps, ['community_secretary']);
  supervisor = await member(app, deps, ['supervisor']);
  housing = await member(app, deps, ['department_liaison'], '区住建局');
  await member(app, deps, ['department_liaison'], '区水务局');
  communityId = (await newPlace(database.db)).community.id;
  await database.db
    .update(communities)
    .set({ profile: { total: 1000, elderly: 300 } })
    .where(eq(communities.id, communityId));
  topic = await topicWithResult(ctx(), communityId);
  const [follower] = await insertResidents(depsCtx(deps), [{ communityId, preferredLocale: 'zh-CN' }]);
  await followTopic(database.db, topic.id, follower ?? '');
  deps.clock.set('2026-09-28T02:00:00Z');
});

afterAll(async () => {
  await deps.close();
  await database.close();
});

async function itemId(): Promise<string> {
  const [item] = await database.db
    .select()
    .from(responsibilityItems)
    .where(eq(responsibilityItems.topicId, topic.id));
  if (!item) throw new Error('no item');
  return item.id;
}

describe('the responsibility list', () => {
  it('lists topics with a published result and links to their lists', async () => {
    const res = await secretary.get('/console/lists');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<h1>三单管理</h1>');
    expect(page).toContain(`href="/console/lists/topics/${topic.id}"`);
    expect(page).toContain('href="/console/lists/export/responsibility.csv"');
    expect(page).not.toContain('style=');
  });

  it('adds an item through the form, with the deadline counted across the holiday', async () => {
    const form = await (await secretary.get(`/console/lists/topics/${topic.id}/new`)).text();
    expect(form).toContain('<legend>责任单位</legend>');
    expect(form).toContain('value="区住建局"');
    expect(form).toContain('value="区水务局"');
    const res = await secretary.post(`/console/lists/topics/${topic.id}/items`, {
      title: '3号楼加装电梯',
      acceptanceCriteria: '电梯通过安全检验并投入使用',
      department: '区住建局',
      cooperatingDepartments: ['区水务局'],
      deadlineWorkingDays: '3',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/lists/topics/${topic.id}?done=itemAdded`);
    const page = await (await follow(secretary, res)).text();
    expect(page).toContain('role="status"');
    expect(page).toContain('已将该事项加入责任清单。');
    expect(page).toContain('3号楼加装电梯');
    expect(page).toContain('<time datetime="2026-10-08">');
    expect(page).toContain('协办：区水务局');
  });

  it('lets the department report progress and shows it on the item page', async () => {
    const id = await itemId();
    const before = await (await housing.get(`/console/lists/items/${id}`)).text();
    expect(before).toContain('报送本部门的进展');
    expect(before).toContain('记录为办结');
    const res = await housing.post(`/console/lists/items/${id}/progress`, {
      note: '已完成设计方案',
      percent: '30',
    });
    expect(res.status).toBe(303);
    const page = await (await follow(housing, res)).text();
    expect(page).toContain('进展情况已保存。');
    expect(page).toContain('已完成设计方案');
    expect(page).toContain('已完成 30%');
    // A supervisor reads the item but has no form to fill.
    const read = await (await supervisor.get(`/console/lists/items/${id}`)).text();
    expect(read).not.toContain('action="/console/lists/items');
  });
});

describe('the supervision list', () => {
  it('shows the escalation the daily check raised, which a supervisor takes up', async () => {
    deps.clock.set('2026-10-09T01:00:00Z');
    await superviseResponsibilityItems(
      depsCtx(deps),
      { timeZone: 'Asia/Shanghai' },
      { i18n: deps.i18n, defaultLocale: 'zh-CN', senders: {} },
    );
    const page = await (await supervisor.get('/console/lists/supervision')).text();
    expect(page).toContain('待接办的督办事项（1）');
    expect(page).toContain('逾期（区住建局）');
    expect(page).toContain('已给关注该议题的居民写入通知：1 条');
    const flagId =
      /action="\/console\/lists\/escalations\/([0-9a-f-]+)\/acknowledgement"/.exec(page)?.[1] ?? '';
    const res = await supervisor.post(`/console/lists/escalations/${flagId}/acknowledgement`, {
      [`note-${flagId}`]: '已约谈住建局负责人',
    });
    expect(res.status).toBe(303);
    const after = await (await follow(supervisor, res)).text();
    expect(after).toContain('待接办的督办事项（0）');
    expect(after).toContain('已约谈住建局负责人');
  });

  it('starts a liaison on their own department', async () => {
    const page = await (await housing.get('/console/lists/supervision')).text();
    expect(page).toContain('<option value="区住建局" selected="">区住建局</option>');
    expect(page).not.toContain('action="/console/lists/escalations/');
  });
});

describe('completion and evaluation', () => {
  it('completing the last item moves the topic to evaluation', async () => {
    const id = await itemId();
    deps.clock.set('2026-10-12T02:00:00Z');
    const res = await housing.post(`/console/lists/items/${id}/completion`, {
      completionNote: '电梯已投入使用',
    });
    expect(res.headers.get('location')).toBe(`/console/lists/items/${id}?done=topicEvaluating`);
    const page = await (await follow(housing, res)).text();
    expect(page).toContain('议题已进入评价阶段');
    // 9 and 10 October (a make-up Saturday) and 12 October: three working days after the due day.
    expect(page).toContain('逾期 3 个工作日办结');
  });

  it('shows satisfaction per topic and department with an accessible chart and its table', async () => {
    const page = await (await supervisor.get('/console/lists/evaluation')).text();
    expect(page).toContain('<h1>评价清单</h1>');
    expect(page).toContain(topic.code);
    expect(page).toContain('<th scope="row">区住建局</th>');
    expect(page).toContain('暂无答复');
  });
});

describe('exports', () => {
  it('gives the responsibility list as CSV for Excel, with the holiday-aware dates', async () => {
    await database.db.update(responsibilityItems).set({ title: '=HYPERLINK("http://evil","x")' });
    const res = await supervisor.get('/console/lists/export/responsibility.csv', 'text/csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="responsibility-2026-10-12.csv"',
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    const [header, row] = text.slice(1).split('\r\n');
    expect(header?.split(',').slice(0, 4)).toEqual(['事项', '议题', '议题名称', '要做什么']);
    expect(row).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(row).toContain('2026-10-08');
    expect(row).toContain('逾期办结');
  });

  it('gives every list as JSON with stable field names', async () => {
    const responsibility = (await (
      await supervisor.get('/console/lists/export/responsibility.json', 'application/json')
    ).json()) as {
      items: { dueOn: string; state: string; responses: unknown[] }[];
    };
    expect(responsibility.items[0]).toMatchObject({ dueOn: '2026-10-08', state: 'completed_late' });
    const supervision = (await (
      await supervisor.get('/console/lists/export/supervision.json', 'application/json')
    ).json()) as {
      handled: { kind: string; department: string }[];
    };
    expect(supervision.handled[0]).toMatchObject({ kind: 'overdue', department: '区住建局' });
    const evaluation = (await (
      await supervisor.get('/console/lists/export/evaluation.json', 'application/json')
    ).json()) as {
      topics: { topicCode: string }[];
      departments: { department: string; items: number }[];
    };
    expect(evaluation.topics.map((t) => t.topicCode)).toEqual([topic.code]);
    expect(evaluation.departments).toEqual(
      expect.arrayContaining([expect.objectContaining({ department: '区住建局', items: 1 })]),
    );
    for (const file of ['supervision.csv', 'evaluation.csv', 'evaluation-departments.csv']) {
      const res = await supervisor.get(`/console/lists/export/${file}`, 'text/csv');
      expect(res.status, file).toBe(200);
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
      expect(text.startsWith(UTF8_BOM), file).toBe(true);
    }
  });
});

describe('the KPI dashboard', () => {
  it('shows each figure beside its target, as an accessible chart, a table and a definition', async () => {
    const res = await supervisor.get('/console/kpi?lang=en');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<h1>KPI dashboard</h1>');
    const charts = page.match(/<svg[^>]*role="img"[^>]*>/g) ?? [];
    expect(charts.length).toBeGreaterThanOrEqual(3);
    for (const svg of charts) expect(svg).toMatch(/aria-labelledby="chart-[\w-]+-title chart-[\w-]+-desc"/);
    expect(page).toContain('<title id="chart-process-shares-title">');
    expect(page).toContain('Plan formation rate');
    expect(page).toContain('at least 85%');
    expect(page).toContain('id="def-implementation_rate"');
    expect(page).toContain('Of all responsibility items that are done or past their due day');
    expect(page).not.toContain('style=');
  });
});

describe('participation balance', () => {
  it('alerts on an affected group and puts its unheard members on the visit list', async () => {
    const [heard, ...unheard] = await insertResidents(depsCtx(deps), [
      { communityId },
      { communityId, groups: ['elderly'] },
      { communityId, groups: ['elderly'], phone: false },
    ]);
    await contribute(database.db, {
      residentId: heard ?? null,
      topicId: topic.id,
      how: 'opinion',
      channel: 'kiosk',
    });
    const path = `/console/balance/topics/${topic.id}`;
    const saved = await secretary.post(`${path}/affected-groups`, { groups: ['elderly'] });
    expect(saved.status).toBe(303);
    const page = await (await follow(secretary, saved)).text();
    expect(page).toContain('已保存该议题涉及的群体。');
    expect(page).toContain('发声不足的群体');
    expect(page).toContain('老年人在已发声居民中占 0%（0 人），但在社区中占 30%。');
    expect(page).toMatch(/<svg[^>]*role="img"/);
    expect(page).toContain('<th scope="row">社区自助机</th>');

    const res = await secretary.post(`${path}/outreach`, {
      group: 'elderly',
      action: 'visit_list',
      visits: '5',
    });
    expect(res.status).toBe(303);
    const after = await (await follow(secretary, res)).text();
    expect(after).toContain(`已将 ${unheard.length} 户加入代笔人员走访名单。`);

    const overview = await (await supervisor.get('/console/balance')).text();
    expect(overview).toContain('发声不足：老年人');
  });
});
