/**
 * The deliberation console used end to end, as a secretary's browser would: screening page, a topic
 * from a theme, publication with its notice, a meeting with panel, attendance, a weighted vote, minutes
 * and speaking time, then the result — and what a liaison sees.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries, topics } from '../../src/db/schema.ts';
import {
  browser,
  type ConsoleWorld,
  consoleWorld,
  idIn,
  location,
  member,
  needs,
} from './topic-admin-test-kit.ts';

let world: ConsoleWorld;
let secretary: ReturnType<typeof browser>;
let liftNeeds: string[];
let topicId: string;
let meetingId: string;
let voteId: string;

beforeAll(async () => {
  world = await consoleWorld();
  secretary = browser(world, await member(world, ['community_secretary'], [world.place.communityId]));
  liftNeeds = await needs(world, [
    '3号楼都是老人，爬六楼太难了，希望加装电梯',
    '我们楼没有电梯，腿脚不好上下楼很困难，建议装电梯',
    '老旧小区加装电梯的事什么时候能落实？',
  ]);
}, 60_000);
afterAll(async () => {
  await world?.close();
});

function count(page: string, needle: RegExp): number {
  return page.match(new RegExp(needle.source, 'g'))?.length ?? 0;
}

describe('the deliberation console, step by step', () => {
  it('shows the recurring theme with its counts on the screening page', async () => {
    const res = await secretary.get('/console/screening');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(count(page, /<h1[ >]/)).toBe(1);
    expect(page).toContain('<title>议题筛选 – 民生议事堂</title>');
    expect(page).toContain('反复出现的主题（1）');
    expect(page).toContain(`href="/console/screening/themes/${liftNeeds[0]}"`);
    expect(page).toContain('幸福里社区: 3');
    expect(page).toContain('第一网格: 3');
    expect(page).not.toContain('<script');
    expect(page).not.toContain('style=');
    // The section is in the console's menu.
    expect(page).toContain('<a href="/console/screening" aria-current="page">议题筛选</a>');
  });

  it('creates a topic from the theme, which lands in screening', async () => {
    const theme = await (await secretary.get(`/console/screening/themes/${liftNeeds[0]}`)).text();
    expect(theme).toContain('主题：电梯');
    for (const id of liftNeeds) expect(theme).toContain(`value="${id}" checked`);
    const res = await secretary.post('/console/screening/topics', {
      themeKey: liftNeeds[0] as string,
      themeTerms: ['电梯'],
      needIds: liftNeeds,
      'title.zh-CN': '3号楼加装电梯',
      'summary.zh-CN': '居民希望3号楼加装电梯。',
      communityId: world.place.communityId,
    });
    expect(res.status).toBe(303);
    expect(location(res)).toMatch(/^\/console\/topics\/[0-9a-f-]{36}\?done=created$/);
    topicId = idIn(location(res));
    const page = await (await secretary.get(location(res))).text();
    expect(page).toContain('role="status"');
    expect(page).toContain('筛选中');
    expect(page).toContain('居民推荐 · 群众需求主题');
    expect(page).toContain('3 条需求，3 位居民');
    expect(page).toContain(`href="/console/topics/${topicId}/publish"`);
  });

  it('shows the dates and the SMS before publishing, then publishes and queues the notice', async () => {
    const preview = await (await secretary.get(`/console/topics/${topicId}/publish`)).text();
    expect(preview).toContain('2026年9月29日');
    expect(preview).toContain('2026年9月30日');
    expect(preview).toMatch(
      /【幸福里社区议事堂】议题T\d+《3号楼加装电梯》公示至9月29日。支持回1，反对回2，也可直接回复意见。退订回TD/,
    );
    const res = await secretary.post(`/console/topics/${topicId}/publish`, {
      gridIds: world.place.gridIds[0],
    });
    expect(res.status).toBe(303);
    expect(location(res)).toBe(`/console/topics/${topicId}?done=published`);
    const page = await (await secretary.get(location(res))).text();
    expect(page).toContain('公示中');
    expect(page).toContain('未配置短信服务，暂存未发：33');
  });

  it('schedules a meeting with venue accessibility and an online link', async () => {
    const form = await (await secretary.get(`/console/topics/${topicId}/meetings/new`)).text();
    expect(form).toContain('value="2026-09-30"');
    const res = await secretary.post(`/console/topics/${topicId}/meetings`, {
      date: '2026-09-30',
      time: '14:30',
      place: '社区服务中心一楼议事厅',
      venueFeatures: ['step_free', 'sign_language'],
      onlineUrl: 'https://live.example.org/t',
    });
    expect(res.status).toBe(303);
    meetingId = idIn(location(res));
    const page = await (await secretary.get(location(res))).text();
    expect(page).toContain('会议已安排，会议通知已排入发送。');
    expect(page).toContain('无台阶或有坡道、电梯、手语翻译');
    expect(page).toContain('https://live.example.org/t');
  });

  it('runs the meeting: panel, attendance, a weighted vote by name, speaking time, minutes', async () => {
    world.deps.clock.set('2026-09-30T06:30:00Z');
    expect(location(await secretary.post(`/console/meetings/${meetingId}/open`, {}))).toBe(
      `/console/meetings/${meetingId}?done=opened`,
    );
    const add = (name: string, participantGroup: string, voterClass = '', panel = true) =>
      secretary.post(`/console/meetings/${meetingId}/participants`, {
        name,
        participantGroup,
        voterClass,
        ...(panel ? { panelMember: 'on' } : {}),
      });
    for (const [name, group, cls] of [
      ['李书记', 'convener', ''],
      ['王大爷', 'resident', '1楼'],
      ['孙女士', 'resident', '5楼'],
      ['吴律师', 'professional', ''],
    ] as const) {
      expect((await add(name, group, cls)).status).toBe(303);
    }
    const before = await (await secretary.get(`/console/meetings/${meetingId}`)).text();
    const idOf = new Map(
      [...before.matchAll(/name="attendance\.([0-9a-f-]{36})" aria-label="([^"]+)的参会方式"/g)].map((m) => [
        m[2],
        m[1],
      ]),
    );
    const ids = ['李书记', '王大爷', '孙女士', '吴律师'].map((name) => idOf.get(name) as string);
    expect(ids.every(Boolean)).toBe(true);
    const attended = await secretary.post(`/console/meetings/${meetingId}/attendance`, {
      [`attendance.${ids[0]}`]: 'in_person',
      [`attendance.${ids[1]}`]: 'in_person',
      [`attendance.${ids[2]}`]: 'proxied',
      [`proxyName.${ids[2]}`]: '孙女士的儿子',
      [`attendance.${ids[3]}`]: 'remote',
    });
    expect(attended.status).toBe(303);

    const opened = await secretary.post(`/console/meetings/${meetingId}/votes`, {
      question: '是否同意加装电梯',
      method: 'weighted',
      weights: '1楼 = 3',
      otherwiseWeight: '1',
    });
    expect(opened.status).toBe(303);
    voteId = idIn(location(opened));
    const ballotPage = await (await secretary.get(location(opened))).text();
    expect(ballotPage).toContain('权重 3');
    await secretary.post(`/console/votes/${voteId}/ballots`, {
      [`choice.${ids[0]}`]: 'for',
      [`choice.${ids[1]}`]: 'against',
      [`choice.${ids[2]}`]: 'for',
      [`choice.${ids[3]}`]: 'for',
    });
    const closed = await secretary.post(`/console/votes/${voteId}/close`, {});
    expect(location(closed)).toBe(`/console/meetings/${meetingId}?done=voteClosed`);

    await secretary.post(`/console/meetings/${meetingId}/speaking`, {
      participantId: ids[1] as string,
      minutes: '4',
      seconds: '0',
    });
    await secretary.post(`/console/meetings/${meetingId}/speaking`, {
      participantId: ids[3] as string,
      minutes: '1',
      seconds: '0',
    });
    await secretary.post(`/console/meetings/${meetingId}/minutes`, {
      discussion: '王大爷担心噪音；吴律师说明补偿。',
      decision: '按权重赞成3、反对3，未通过，补偿方案修改后再议。',
    });
    const done = await secretary.post(`/console/meetings/${meetingId}/close`, {});
    expect(done.status).toBe(303);

    const page = await (await secretary.get(`/console/meetings/${meetingId}`)).text();
    expect(page).toContain('记录完整');
    // 1 convener + 3 X: residents 2 of 3, professionals 1 of 3.
    expect(page).toContain('召集人 1 名，X 成员 3 名');
    // Weighted: for 李书记 1 + 孙女士 1 + 吴律师 1 = 3; against 王大爷 3. Not more than half of 6.
    expect(page).toMatch(/<th scope="row">赞成<\/th><td>3<\/td><td>3<\/td>/);
    expect(page).toMatch(/<th scope="row">反对<\/th><td>1<\/td><td>3<\/td>/);
    expect(page).toContain('未通过');
    expect(page).toContain('4 分 0 秒');
    expect(page).toContain('80%');
  });

  it('publishes the result with the tally, on time', async () => {
    world.deps.clock.set('2026-10-09T02:00:00Z');
    const form = await (await secretary.get(`/console/topics/${topicId}/result`)).text();
    expect(form).toContain('应于2026年10月15日星期四前公示（还剩 5 个工作日）');
    expect(form).toContain(`value="${voteId}" checked`);
    const res = await secretary.post(`/console/topics/${topicId}/result`, {
      'summary.zh-CN': '表决未通过，修改补偿方案后再议。',
      voteIds: voteId,
    });
    expect(res.status).toBe(303);
    const page = await (await secretary.get(location(res))).text();
    expect(page).toContain('协商成果已公示，成果通知已排入发送。');
    expect(page).toContain('已于2026年10月9日星期五按期公示');
    const [row] = await world.database.db.select().from(topics).where(eq(topics.id, topicId));
    expect(row?.status).toBe('result_published');
    const bodies = await world.database.db.select({ body: deliveries.body }).from(deliveries);
    expect(bodies.some((b) => b.body.includes('分层表决未通过（按权重赞成3、反对3、弃权0）'))).toBe(true);
  });
});

describe('what a department liaison sees', () => {
  it('reads the topic, meeting and themes, without the buttons that change them', async () => {
    const liaison = browser(world, await member(world, ['department_liaison']));
    const topicPage = await (await liaison.get(`/console/topics/${topicId}`)).text();
    expect(topicPage).toContain('3号楼加装电梯');
    const meetingPage = await (await liaison.get(`/console/meetings/${meetingId}`)).text();
    expect(meetingPage).toContain('记录完整');
    expect(meetingPage).not.toContain(`action="/console/meetings/${meetingId}/participants"`);
    expect((await liaison.get('/console/screening')).status).toBe(200);
    const list = await liaison.get('/api/staff/deliberation/topics', 'application/json');
    expect(list.status).toBe(200);
    const json = (await list.json()) as { rows: { topic: { id: string } }[] };
    expect(json.rows.map((r) => r.topic.id)).toContain(topicId);
    const record = (await (
      await liaison.get(`/api/staff/meetings/${meetingId}`, 'application/json')
    ).json()) as {
      completeness: { complete: boolean };
      votes: { tally: { passed: boolean } }[];
    };
    expect(record.completeness.complete).toBe(true);
    expect(record.votes[0]?.tally.passed).toBe(false);
  });
});
