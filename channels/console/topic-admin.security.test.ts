/**
 * Who may do what on the deliberation console, beyond the role matrix of staff-routes.roles.test.ts:
 * watchers read but cannot change, a secretary works only in their own communities, forms need the
 * session's CSRF token, notices cannot be aimed at another community, residents' words are escaped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCommunity } from '../../src/deliberation/deliberation-test-kit.ts';
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
let outsider: ReturnType<typeof browser>;
let liaison: ReturnType<typeof browser>;
let topicId: string;
let meetingId: string;
let otherGridId: string;

beforeAll(async () => {
  world = await consoleWorld();
  const other = await newCommunity(world.database.db, '和平社区');
  otherGridId = other.gridIds[0];
  secretary = browser(world, await member(world, ['community_secretary'], [world.place.communityId]));
  outsider = browser(world, await member(world, ['community_secretary'], [other.communityId]));
  liaison = browser(world, await member(world, ['department_liaison', 'supervisor']));
  const created = await secretary.post('/console/screening/reports', {
    origin: 'grid_visit_report',
    reportedBy: '网格员小张',
    'title.zh-CN': '3号楼加装电梯',
    'summary.zh-CN': '网格员走访发现老人上下楼难。',
    communityId: world.place.communityId,
  });
  topicId = idIn(location(created));
}, 60_000);
afterAll(async () => {
  await world?.close();
});

describe('the deliberation console', () => {
  it('lets a liaison or supervisor read but not publish, schedule or screen', async () => {
    expect((await liaison.get(`/console/topics/${topicId}`)).status).toBe(200);
    const page = await (await liaison.get(`/console/topics/${topicId}`)).text();
    expect(page).not.toContain(`/console/topics/${topicId}/publish`);
    for (const path of [
      `/console/topics/${topicId}/publish`,
      `/console/topics/${topicId}/meetings`,
      '/console/screening/reports',
    ]) {
      expect((await liaison.post(path, {})).status, path).toBe(403);
    }
    expect((await liaison.get(`/console/topics/${topicId}/publish`)).status).toBe(403);
  });

  it('keeps a secretary of another community out of this community’s topic', async () => {
    const page = await outsider.get(`/console/topics/${topicId}`);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('这属于其他社区，您没有办理权限。');
    expect((await outsider.post(`/console/topics/${topicId}/publish`, {})).status).toBe(403);
    const json = await outsider.get(`/api/staff/deliberation/topics/${topicId}`, 'application/json');
    expect(json.status).toBe(403);
    const list = (await (
      await outsider.get('/api/staff/deliberation/topics', 'application/json')
    ).json()) as {
      rows: { topic: { id: string } }[];
    };
    expect(list.rows.map((r) => r.topic.id)).not.toContain(topicId);
  });

  it('refuses a form without the session’s CSRF token and changes nothing', async () => {
    const res = await secretary.post(`/console/topics/${topicId}/publish`, {}, { csrf: false });
    expect(res.status).toBe(403);
    const page = await (await secretary.get(`/console/topics/${topicId}`)).text();
    expect(page).toContain('筛选中');
  });

  it('will not send this topic’s notice to a grid of another community', async () => {
    const res = await secretary.post(`/console/topics/${topicId}/publish`, { gridIds: otherGridId });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('请选择要通知的社区或网格。');
    const page = await (await secretary.get(`/console/topics/${topicId}`)).text();
    expect(page).toContain('筛选中');
  });

  it('keeps a meeting of this community out of another secretary’s reach', async () => {
    expect((await secretary.post(`/console/topics/${topicId}/publish`, {})).status).toBe(303);
    const scheduled = await secretary.post(`/console/topics/${topicId}/meetings`, {
      date: '2026-09-30',
      time: '14:30',
      place: '议事厅',
    });
    meetingId = idIn(location(scheduled));
    expect((await outsider.get(`/console/meetings/${meetingId}`)).status).toBe(403);
    expect(
      (
        await outsider.post(`/console/meetings/${meetingId}/participants`, {
          name: 'x',
          participantGroup: 'resident',
        })
      ).status,
    ).toBe(403);
    expect((await outsider.get(`/api/staff/meetings/${meetingId}`, 'application/json')).status).toBe(403);
  });

  it('escapes what residents wrote', async () => {
    const [id] = await needs(world, ['<script>alert("x")</script>楼道灯坏了<img src=x onerror=alert(1)>']);
    const page = await (await secretary.get('/console/screening')).text();
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;script&gt;');
    const theme = await (await secretary.get(`/console/screening/themes/${id}`)).text();
    expect(theme).not.toContain('<img src=x');
  });

  it('sends anonymous browsers to sign in and anonymous programs a 401', async () => {
    const res = await world.app.request('/console/screening', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(302);
    expect(location(res)).toBe('/staff/login?next=%2Fconsole%2Fscreening');
    const api = await world.app.request('/api/staff/screening/themes', {
      headers: { accept: 'application/json' },
    });
    expect(api.status).toBe(401);
  });
});
