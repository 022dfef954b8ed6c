/**
 * The daily supervision check across the 2026 National Day holiday: an item assigned on Monday
 * 28 September with 3 working days is due on Thursday 8 October (29 and 30 September, then 8 October;
 * 1–7 October are off), not on 1 October as a plain weekday count would say. Overdue and silent
 * departments are flagged once, escalated with notices to the topic's followers, and cleared when
 * answered.
 */
import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../core/context.ts';
import { auditLog, deliveries, supervisionFlags } from '../db/schema.ts';
import { getI18n } from '../i18n/i18n.ts';
import { insertResidents, newPlace } from '../outreach/outreach-test-kit.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { acknowledgeEscalation } from './acknowledge-escalation.ts';
import { completeResponsibilityItem } from './complete-responsibility-item.ts';
import { createResponsibilityItem } from './create-responsibility-item.ts';
import { listResponsibilityItems } from './list-responsibility-items.ts';
import { listSupervision } from './list-supervision.ts';
import { as, follow, insertStaff, setDay, topicWithResult } from './lists-test-kit.ts';
import { reportProgress } from './report-progress.ts';
import { type SupervisionEnv, superviseResponsibilityItems } from './supervise-responsibility-items.ts';

let database: TestDatabase;
let ctx: ReturnType<typeof createTestCtx>;
const env: SupervisionEnv = { i18n: getI18n(), defaultLocale: 'zh-CN', senders: {} };
let secretary: Ctx['actor'];
let supervisor: Ctx['actor'];
let housing: Ctx['actor'];
let water: Ctx['actor'];
let itemId: string;
let topicId: string;
let zhFollower: string;
let enFollower: string;

const run = () => superviseResponsibilityItems(ctx, { timeZone: 'Asia/Shanghai' }, env);

beforeAll(async () => {
  database = await createTestDatabase();
  ctx = createTestCtx(database.db, { now: '2026-09-01T02:00:00Z' });
  const { community } = await newPlace(database.db);
  secretary = await insertStaff(database.db, ['community_secretary']);
  supervisor = await insertStaff(database.db, ['supervisor'], { displayName: '李督查' });
  housing = await insertStaff(database.db, ['department_liaison'], { department: '区住建局' });
  water = await insertStaff(database.db, ['department_liaison'], { department: '区水务局' });
  const topic = await topicWithResult(as(ctx, secretary), community.id);
  topicId = topic.id;
  const followers = await insertResidents(ctx, [
    { communityId: community.id, preferredLocale: 'zh-CN' },
    { communityId: community.id, preferredLocale: 'en' },
  ]);
  zhFollower = followers[0] ?? '';
  enFollower = followers[1] ?? '';
  await follow(database.db, topicId, zhFollower, 'sms');
  await follow(database.db, topicId, enFollower, 'voice');

  setDay(ctx, '2026-09-28');
  const { item } = await createResponsibilityItem(as(ctx, secretary), {
    topicId,
    title: '3号楼加装电梯',
    acceptanceCriteria: '电梯通过安全检验并投入使用',
    department: '区住建局',
    cooperatingDepartments: ['区水务局'],
    deadlineWorkingDays: 3,
  });
  itemId = item.id;
});

afterAll(async () => {
  await database?.close();
});

async function followerNotices() {
  return database.db
    .select()
    .from(deliveries)
    .where(like(deliveries.purpose, 'supervision:%'))
    .orderBy(asc(deliveries.locale));
}

describe('deadlines in working days', () => {
  it('puts the due day after the holiday and the response day 15 working days on', async () => {
    const { items } = await listResponsibilityItems(ctx, { topicId });
    expect(items[0]).toMatchObject({
      assignedOn: '2026-09-28',
      dueOn: '2026-10-08',
      responseDueOn: '2026-10-23',
      crossDepartment: true,
    });
  });
});

describe('supervision across the National Day holiday', () => {
  it('flags nothing during the holiday, although five weekdays have passed', async () => {
    setDay(ctx, '2026-10-05');
    const result = await run();
    expect(result).toMatchObject({
      today: '2026-10-05',
      flagged: { overdue: 0, no_response: 0 },
      noticesQueued: 0,
    });
    const { items } = await listResponsibilityItems(ctx, { topicId });
    expect(items[0]?.timing).toEqual({ state: 'due_soon', workingDaysLate: 0, workingDaysLeft: 1 });
  });

  it('flags nothing on the due day itself', async () => {
    setDay(ctx, '2026-10-08');
    expect((await run()).flagged.overdue).toBe(0);
    const { items } = await listResponsibilityItems(ctx, { topicId });
    expect(items[0]?.timing.workingDaysLeft).toBe(0);
  });

  it('flags the item overdue the next morning and tells each follower in their language', async () => {
    setDay(ctx, '2026-10-09', '01:00:00Z');
    const result = await run();
    expect(result.flagged).toEqual({ overdue: 1, no_response: 0 });
    expect(result.noticesQueued).toBe(2);

    const [flag] = await database.db
      .select()
      .from(supervisionFlags)
      .where(eq(supervisionFlags.itemId, itemId));
    expect(flag).toMatchObject({
      kind: 'overdue',
      department: '区住建局',
      missedOn: '2026-10-08',
      flaggedOn: '2026-10-09',
    });

    const notices = await followerNotices();
    expect(notices.map((n) => [n.residentId, n.channel, n.locale, n.status])).toEqual([
      [enFollower, 'voice', 'en', 'held_no_credentials'],
      [zhFollower, 'sms', 'zh-CN', 'held_no_credentials'],
    ]);
    const [en, zh] = notices;
    expect(zh?.body).toMatch(
      /^【幸福里社区议事堂】议题T\d+的事项R\d+（区住建局）已超过办理时限，已提请督办。退订回TD$/,
    );
    // The English follower is called: the call says who is calling and asks for no text reply.
    expect(en?.body).toMatch(/^Hello, this is .+\. Topic T\d+: item R\d+ \(区住建局\) is past its deadline/);
    expect(en?.body).not.toMatch(/TD|\[/);
    expect(en?.purpose).toBe(`supervision:${flag?.id}:${enFollower}`);

    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'supervision.overdue'));
    expect(audit?.data).toMatchObject({ department: '区住建局', missedOn: '2026-10-08', notices: 2 });

    const list = await listSupervision(ctx, { timeZone: 'Asia/Shanghai' });
    expect(list.open.map((e) => [e.kind, e.department, e.noticesQueued])).toEqual([
      ['overdue', '区住建局', 2],
    ]);
    expect(list.attention.map((i) => i.id)).toEqual([itemId]);
  });

  it('raises nothing twice on later runs, and counts lateness in working days (10 October is a make-up day)', async () => {
    expect((await run()).flagged).toEqual({ overdue: 0, no_response: 0 });
    setDay(ctx, '2026-10-10');
    expect(await run()).toMatchObject({ flagged: { overdue: 0, no_response: 0 }, noticesQueued: 0 });
    expect(await followerNotices()).toHaveLength(2);
    const { items } = await listResponsibilityItems(ctx, { topicId });
    expect(items[0]?.timing).toEqual({ state: 'overdue', workingDaysLate: 2, workingDaysLeft: 0 });
  });

  it('flags only the department that has not responded once 15 working days have passed', async () => {
    setDay(ctx, '2026-10-12');
    await reportProgress(as(ctx, housing), { itemId, note: '已完成设计方案', percent: 30 });
    setDay(ctx, '2026-10-23');
    expect((await run()).flagged.no_response).toBe(0);
    setDay(ctx, '2026-10-24');
    const result = await run();
    expect(result.flagged).toEqual({ overdue: 0, no_response: 1 });
    const list = await listSupervision(ctx, { timeZone: 'Asia/Shanghai' });
    expect(list.open.map((e) => [e.kind, e.department, e.missedOn])).toEqual([
      ['overdue', '区住建局', '2026-10-08'],
      ['no_response', '区水务局', '2026-10-23'],
    ]);
    expect(list.attention[0]?.silentDepartments).toEqual(['区水务局']);
  });

  it('clears the silence flag when the department answers, and a supervisor takes up the overdue one', async () => {
    setDay(ctx, '2026-10-26');
    await reportProgress(as(ctx, water), { itemId, note: '管线迁改已排期' });
    const [overdue] = (await listSupervision(ctx, {})).open;
    if (!overdue) throw new Error('no open escalation');
    const taken = await acknowledgeEscalation(as(ctx, supervisor), {
      flagId: overdue.id,
      note: '已约谈住建局负责人',
    });
    expect(taken.changed).toBe(true);
    expect(
      (await acknowledgeEscalation(as(ctx, supervisor), { flagId: overdue.id, note: '再次' })).changed,
    ).toBe(false);

    const list = await listSupervision(ctx, {});
    expect(list.open).toEqual([]);
    expect(
      list.handled.map((e) => [e.kind, Boolean(e.resolvedAt), Boolean(e.acknowledgedAt), e.acknowledgedBy]),
    ).toEqual([
      ['no_response', true, false, null],
      ['overdue', false, true, '李督查'],
    ]);
  });

  it('resolves every flag when the work is done', async () => {
    setDay(ctx, '2026-10-27');
    await completeResponsibilityItem(as(ctx, housing), { itemId, note: '电梯已通过检验并投入使用' });
    const open = await database.db
      .select()
      .from(supervisionFlags)
      .where(and(eq(supervisionFlags.itemId, itemId)));
    expect(open.every((f) => f.resolvedAt !== null)).toBe(true);
    const { items } = await listResponsibilityItems(ctx, { topicId });
    expect(items[0]?.timing).toEqual({ state: 'completed_late', workingDaysLate: 14, workingDaysLeft: 0 });
  });

  it('is refused to anyone but supervisors and the system', async () => {
    await expect(superviseResponsibilityItems(as(ctx, housing), {}, env)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      acknowledgeEscalation(as(ctx, secretary), { flagId: itemId, note: 'x' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});
