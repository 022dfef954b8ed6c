/**
 * Bad input and steps out of order on the deliberation console: the page comes back with an error
 * summary linked to each field, in the reader's language, with what was typed kept; refusals say why
 * and lead back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let needIds: string[];

beforeAll(async () => {
  world = await consoleWorld();
  secretary = browser(world, await member(world, ['community_secretary']));
  needIds = await needs(world, [
    '希望开办老年食堂，老人吃饭不方便',
    '独居老人吃饭难，希望有助餐点',
    '楼下路灯坏了',
  ]);
}, 60_000);
afterAll(async () => {
  await world?.close();
});

function expectErrorPage(page: string, field: string, message: string): void {
  expect(page).toMatch(/<title>错误：/);
  expect(page).toContain('class="error-summary" role="alert"');
  expect(page).toContain(`<a href="#${field}">${message}</a>`);
}

async function topicInScreening(title: string): Promise<string> {
  const res = await secretary.post('/console/screening/reports', {
    origin: 'grid_visit_report',
    reportedBy: '网格员小张',
    'title.zh-CN': title,
    'summary.zh-CN': `${title}：网格员走访发现。`,
    communityId: world.place.communityId,
  });
  expect(res.status).toBe(303);
  return idIn(location(res));
}

async function publishedTopic(title: string): Promise<string> {
  const id = await topicInScreening(title);
  expect((await secretary.post(`/console/topics/${id}/publish`, {})).status).toBe(303);
  return id;
}

describe('screening forms', () => {
  it('keeps the needs ticked and the text typed when the title is missing', async () => {
    const res = await secretary.post('/console/screening/topics', {
      themeKey: needIds[0] as string,
      needIds: [needIds[0] as string, needIds[1] as string],
      'summary.zh-CN': '老人吃饭难',
    });
    expect(res.status).toBe(400);
    const page = await res.text();
    expectErrorPage(page, 'field-title-zh-CN', '这一项必须填写。');
    expect(page).toContain('老人吃饭难</textarea>');
    expect(page).toContain(`value="${needIds[0]}" checked`);
  });

  it('asks for at least one need when every box was unticked', async () => {
    const res = await secretary.post('/console/screening/topics', {
      themeKey: needIds[0] as string,
      'title.zh-CN': '老年食堂',
      'summary.zh-CN': '老人吃饭难',
    });
    expect(res.status).toBe(400);
    expectErrorPage(await res.text(), 'field-needIds', '请至少选择一条需求。');
  });

  it('asks for a reason before setting a need aside', async () => {
    const res = await secretary.post(`/console/screening/needs/${needIds[2]}/set-aside`, { reason: '  ' });
    expect(res.status).toBe(400);
    expectErrorPage(await res.text(), 'field-reason', '这一项必须填写。');
  });

  it('asks which source a report is, in English for an English reader', async () => {
    const page = await secretary.post('/console/screening/reports?lang=en', {
      reportedBy: 'Zhang',
      'title.zh-CN': '路灯',
      'summary.zh-CN': '路灯坏了',
    });
    expect(page.status).toBe(400);
    const text = await page.text();
    expect(text).toMatch(/<title>Error: /);
    expect(text).toContain('<a href="#field-origin">');
  });

  it('says so when a need was already screened by someone else', async () => {
    const id = await topicInScreening('老年食堂');
    expect(
      (await secretary.post('/console/screening/links', { needIds: needIds[0] as string, topicId: id }))
        .status,
    ).toBe(303);
    const again = await secretary.post('/console/screening/topics', {
      themeKey: needIds[0] as string,
      needIds: needIds[0] as string,
      'title.zh-CN': '老年食堂',
      'summary.zh-CN': '老人吃饭难',
    });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('有的需求刚刚已被其他人筛选过，请返回筛选页面重新选择。');
  });
});

describe('publication and meetings', () => {
  it('asks for the communities to tell when a street-wide topic is published without a choice', async () => {
    const created = await secretary.post('/console/screening/reports', {
      origin: 'deputy_proposal',
      reportedBy: '张代表',
      'title.zh-CN': '全街道垃圾分类',
      'summary.zh-CN': '代表建议统一垃圾分类投放时间。',
    });
    const id = idIn(location(created));
    const res = await secretary.post(`/console/topics/${id}/publish`, {});
    expect(res.status).toBe(400);
    expectErrorPage(await res.text(), 'field-communityIds', '请选择要通知的社区或网格。');
  });

  it('refuses a meeting date inside the publication period and keeps what was typed', async () => {
    const id = await publishedTopic('3号楼加装电梯');
    const res = await secretary.post(`/console/topics/${id}/meetings`, {
      date: '2026-09-29',
      time: '14:30',
      place: '议事厅',
      venueFeatures: 'step_free',
    });
    expect(res.status).toBe(400);
    const page = await res.text();
    expectErrorPage(page, 'field-date', '公示期还没有满，会议最早只能安排在 2026-09-30。');
    expect(page).toContain('value="议事厅"');
    expect(page).toContain('value="step_free" checked');
  });

  it('refuses a time that is not a time and a link that is not a web address', async () => {
    const id = await publishedTopic('停车难');
    const res = await secretary.post(`/console/topics/${id}/meetings`, {
      date: '2026-09-30',
      time: '25:00',
      place: '议事厅',
      onlineUrl: 'javascript:alert(1)',
    });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('<a href="#field-time">');
    expect(page).toContain('<a href="#field-onlineUrl">');
  });
});

describe('a meeting in progress', () => {
  let meetingId: string;
  let topicId: string;

  beforeAll(async () => {
    topicId = await publishedTopic('电动车充电棚');
    const res = await secretary.post(`/console/topics/${topicId}/meetings`, {
      date: '2026-09-30',
      time: '09:00',
      place: '议事厅',
    });
    meetingId = idIn(location(res));
    world.deps.clock.set('2026-09-30T01:00:00Z');
  });

  it('refuses to open a meeting twice, with a way back', async () => {
    expect((await secretary.post(`/console/meetings/${meetingId}/open`, {})).status).toBe(303);
    const again = await secretary.post(`/console/meetings/${meetingId}/open`, {});
    expect(again.status).toBe(409);
    const page = await again.text();
    expect(page).toContain('会议现在是“进行中”，不能开始。');
    expect(page).toContain(`<a href="/console/meetings/${meetingId}">返回会议</a>`);
  });

  it('asks for the proxy’s name, field by field', async () => {
    await secretary.post(`/console/meetings/${meetingId}/participants`, {
      name: '周师傅',
      participantGroup: 'special_group',
      panelMember: 'on',
    });
    const page = await (await secretary.get(`/console/meetings/${meetingId}`)).text();
    const id = /name="attendance\.([0-9a-f-]{36})"/.exec(page)?.[1] as string;
    const res = await secretary.post(`/console/meetings/${meetingId}/attendance`, {
      [`attendance.${id}`]: 'proxied',
      [`proxyName.${id}`]: '',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expectErrorPage(text, `field-proxyName-${id}`, '委托代为参会的，请填写代为参会人的姓名。');
    expect(text).toContain('<option value="proxied" selected');
  });

  it('refuses a department representative on the panel, and a second convener', async () => {
    const dept = await secretary.post(`/console/meetings/${meetingId}/participants`, {
      name: '陈科长',
      participantGroup: 'department',
      panelMember: 'on',
    });
    expect(dept.status).toBe(400);
    expectErrorPage(
      await dept.text(),
      'field-participantGroup',
      '议事会成员只能是召集人、居民代表、专业人士、社会组织、企业代表或特殊群体代表。',
    );
    await secretary.post(`/console/meetings/${meetingId}/participants`, {
      name: '李书记',
      participantGroup: 'convener',
    });
    const second = await secretary.post(`/console/meetings/${meetingId}/participants`, {
      name: '王书记',
      participantGroup: 'convener',
    });
    expect(second.status).toBe(400);
    expect(await second.text()).toContain('这个会议已经有召集人了。');
  });

  it('refuses a phone number that is not one, and links a participant to the resident behind a real one', async () => {
    const bad = await secretary.post(`/console/meetings/${meetingId}/participants`, {
      name: '冯阿婆',
      participantGroup: 'special_group',
      phone: '12345',
    });
    expect(bad.status).toBe(400);
    const page = await bad.text();
    expectErrorPage(page, 'field-phone', '手机号码格式不对，请检查。');
    expect(page).toContain('value="冯阿婆"');
    const good = await secretary.post(`/console/meetings/${meetingId}/participants`, {
      name: '冯阿婆',
      participantGroup: 'special_group',
      phone: '139 1234 5678',
    });
    expect(good.status).toBe(303);
    const after = await (await secretary.get(`/console/meetings/${meetingId}`)).text();
    expect(after).toContain('冯阿婆<span class="hint">特殊群体（老年人、残疾人等） · 已关联居民</span>');
    expect(after).not.toContain('13912345678');
  });

  it('names the line of a weight it cannot read', async () => {
    const res = await secretary.post(`/console/meetings/${meetingId}/votes`, {
      question: '是否同意建充电棚',
      method: 'weighted',
      weights: '1楼 = 3\n2楼',
    });
    expect(res.status).toBe(400);
    const page = await res.text();
    expectErrorPage(page, 'field-weights', '第 2 行格式不对，请写成“1楼 = 3”。');
    expect(page).toContain('是否同意建充电棚</textarea>');
  });

  it('refuses a ballot from someone who did not take part, and a count without ballots', async () => {
    const opened = await secretary.post(`/console/meetings/${meetingId}/votes`, {
      question: '是否同意建充电棚',
      method: 'majority',
    });
    const voteId = idIn(location(opened));
    const page = await (await secretary.get(`/console/meetings/${meetingId}`)).text();
    const absentee = /name="attendance\.([0-9a-f-]{36})" aria-label="周师傅/.exec(page)?.[1] as string;
    const res = await secretary.post(`/console/votes/${voteId}/ballots`, { [`choice.${absentee}`]: 'for' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('周师傅没有登记参会，不能投票。请先登记参会情况。');
    const count = await secretary.post(`/console/votes/${voteId}/close`, {});
    expect(count.status).toBe(409);
    expect(await count.text()).toContain('还没有人投票，不能计票。');
    const close = await secretary.post(`/console/meetings/${meetingId}/close`, {});
    expect(close.status).toBe(409);
    expect(await close.text()).toContain('还有表决没有结束');
  });

  it('refuses to publish a result while a meeting is still open', async () => {
    const res = await secretary.get(`/console/topics/${topicId}/result`);
    expect(res.status).toBe(200);
    const post = await secretary.post(`/console/topics/${topicId}/result`, { 'summary.zh-CN': '同意建设' });
    expect(post.status).toBe(409);
    expect(await post.text()).toContain('这个议题还有会议没有结束');
  });
});

describe('things that do not exist', () => {
  it('answers 404 in words for an unknown topic, meeting or theme', async () => {
    for (const path of [
      '/console/topics/00000000-0000-4000-8000-000000000000',
      '/console/meetings/00000000-0000-4000-8000-000000000000',
      '/console/screening/themes/not-an-id',
    ]) {
      const res = await secretary.get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toContain('<title>无法办理 – 民生议事堂</title>');
    }
  });
});
