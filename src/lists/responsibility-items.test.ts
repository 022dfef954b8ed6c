import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../core/context.ts';
import { auditLog, campaigns, deliveries, responsibilityItems, surveys, topics } from '../db/schema.ts';
import { insertResidents, newPlace } from '../outreach/outreach-test-kit.ts';
import { verifyAuditChain } from '../staff/verify-audit-chain.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { createTopicInStatus } from '../topics/topic-fixtures.ts';
import { completeResponsibilityItem } from './complete-responsibility-item.ts';
import { createResponsibilityItem } from './create-responsibility-item.ts';
import { getResponsibilityItem } from './get-responsibility-item.ts';
import { listDepartments } from './list-departments.ts';
import { listEvaluation } from './list-evaluation.ts';
import { as, contribute, insertStaff, setDay, topicWithResult } from './lists-test-kit.ts';
import { reportProgress } from './report-progress.ts';

let database: TestDatabase;
let ctx: ReturnType<typeof createTestCtx>;
let secretary: Ctx['actor'];
let housing: Ctx['actor'];
let water: Ctx['actor'];
let gridWorker: Ctx['actor'];
let communityId: string;

const ITEM = {
  title: '修缮楼道照明',
  acceptanceCriteria: '每层楼道灯正常亮起',
  department: '区住建局',
  deadlineWorkingDays: 5,
};

beforeAll(async () => {
  database = await createTestDatabase();
  ctx = createTestCtx(database.db, { now: '2026-09-01T02:00:00Z' });
  communityId = (await newPlace(database.db)).community.id;
  secretary = await insertStaff(database.db, ['community_secretary']);
  housing = await insertStaff(database.db, ['department_liaison'], { department: '区住建局' });
  water = await insertStaff(database.db, ['department_liaison'], { department: '区水务局' });
  gridWorker = await insertStaff(database.db, ['grid_worker']);
  await insertStaff(database.db, ['department_liaison'], { department: '  ' });
});

afterAll(async () => {
  await database?.close();
});

describe('creating responsibility items', () => {
  it('offers only departments that have a liaison to report for them', async () => {
    expect(await listDepartments(as(ctx, secretary))).toEqual(['区住建局', '区水务局']);
  });

  it('counts the deadline in working days: Sunday 20 September 2026 is a make-up working day', async () => {
    const topic = await topicWithResult(as(ctx, secretary), communityId);
    setDay(ctx, '2026-09-18');
    const { item, created } = await createResponsibilityItem(as(ctx, secretary), {
      topicId: topic.id,
      ...ITEM,
    });
    expect(created).toBe(true);
    // 20 (Sunday, worked), 21, 22, 23, 24 September; a weekday count would say 25 September.
    expect(item).toMatchObject({
      code: `R${item.number}`,
      assignedOn: '2026-09-18',
      dueOn: '2026-09-24',
      responseDueOn: null,
      status: 'open',
    });
  });

  it('stores a form sent twice once', async () => {
    const topic = await topicWithResult(as(ctx, secretary), communityId);
    const first = await createResponsibilityItem(as(ctx, secretary), { topicId: topic.id, ...ITEM });
    const again = await createResponsibilityItem(as(ctx, secretary), { topicId: topic.id, ...ITEM });
    expect(again).toEqual({ item: first.item, created: false });
    const rows = await database.db
      .select()
      .from(responsibilityItems)
      .where(eq(responsibilityItems.topicId, topic.id));
    expect(rows).toHaveLength(1);
  });

  it('names every bad field with a message key', async () => {
    const topic = await topicWithResult(as(ctx, secretary), communityId);
    await expect(
      createResponsibilityItem(as(ctx, secretary), {
        topicId: topic.id,
        title: ' ',
        acceptanceCriteria: '',
        department: '',
        deadlineWorkingDays: '1.5',
      }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      fields: [
        { field: 'title', key: 'lists:validation.required' },
        { field: 'acceptanceCriteria', key: 'lists:validation.required' },
        { field: 'department', key: 'lists:validation.required' },
        { field: 'deadlineWorkingDays', key: 'lists:validation.wholeDays' },
      ],
    });
    await expect(
      createResponsibilityItem(as(ctx, secretary), { topicId: topic.id, ...ITEM, deadlineWorkingDays: 251 }),
    ).rejects.toMatchObject({
      fields: [{ field: 'deadlineWorkingDays', key: 'lists:validation.wholeDays' }],
    });
  });

  it('refuses topics without a published result, unknown topics and people who do not run the lists', async () => {
    const published = await createTopicInStatus(as(ctx, secretary), 'published');
    await expect(
      createResponsibilityItem(as(ctx, secretary), { topicId: published.id, ...ITEM }),
    ).rejects.toMatchObject({ code: 'conflict', messageKey: 'lists:errors.topicNotReady' });
    await expect(
      createResponsibilityItem(as(ctx, secretary), { topicId: 'nope', ...ITEM }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const elsewhere = await insertStaff(database.db, ['community_secretary'], {
      communityIds: [(await newPlace(database.db)).community.id],
    });
    const ours = await topicWithResult(as(ctx, secretary), communityId);
    await expect(
      createResponsibilityItem(as(ctx, elsewhere), { topicId: ours.id, ...ITEM }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    for (const actor of [housing, gridWorker]) {
      await expect(
        createResponsibilityItem(as(ctx, actor), { topicId: published.id, ...ITEM }),
      ).rejects.toMatchObject({ code: 'forbidden' });
    }
  });
});

describe('progress and completion', () => {
  it('lets only the departments involved report, and only the lead complete', async () => {
    const topic = await topicWithResult(as(ctx, secretary), communityId);
    const { item } = await createResponsibilityItem(as(ctx, secretary), { topicId: topic.id, ...ITEM });
    await expect(
      reportProgress(as(ctx, water), { itemId: item.id, note: '我们来看看' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
      messageKey: 'lists:errors.notYourDepartment',
    });
    await expect(reportProgress(as(ctx, secretary), { itemId: item.id, note: 'x' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      reportProgress(as(ctx, housing), { itemId: item.id, note: '已进场', percent: '101' }),
    ).rejects.toMatchObject({ fields: [{ field: 'percent', key: 'lists:validation.percent' }] });
    const first = await reportProgress(as(ctx, housing), { itemId: item.id, note: '已进场', percent: '40' });
    const repeat = await reportProgress(as(ctx, housing), { itemId: item.id, note: '已进场', percent: '40' });
    expect(repeat).toEqual({ progress: first.progress, created: false });
    const detail = await getResponsibilityItem(ctx, { itemId: item.id });
    expect(detail.item.status).toBe('in_progress');
    expect(detail.progress.map((p) => [p.kind, p.department, p.percent])).toEqual([
      ['progress', '区住建局', 40],
    ]);
  });

  it('moves the topic to evaluation when its last item is done, and the survey goes to those who took part', async () => {
    const topic = await topicWithResult(as(ctx, secretary), communityId);
    const [a, b] = await insertResidents(ctx, [{ communityId }, { communityId }]);
    await contribute(database.db, { residentId: a ?? null, topicId: topic.id, how: 'opinion' });
    await contribute(database.db, {
      residentId: b ?? null,
      topicId: topic.id,
      how: 'vote',
      channel: 'kiosk',
    });
    const one = await createResponsibilityItem(as(ctx, secretary), { topicId: topic.id, ...ITEM });
    const two = await createResponsibilityItem(as(ctx, secretary), {
      topicId: topic.id,
      ...ITEM,
      title: '楼道墙面粉刷',
      cooperatingDepartments: ['区水务局', '区住建局', ''],
    });
    expect(two.item.cooperatingDepartments).toEqual(['区水务局']);

    const first = await completeResponsibilityItem(as(ctx, housing), {
      itemId: one.item.id,
      note: '灯已全部修好',
    });
    expect(first).toMatchObject({ completed: true });
    expect(first.topicStatus).toBeUndefined();
    await expect(
      completeResponsibilityItem(as(ctx, water), { itemId: two.item.id, note: '完成' }),
    ).rejects.toMatchObject({ code: 'forbidden', messageKey: 'lists:errors.leadOnly' });
    const last = await completeResponsibilityItem(as(ctx, housing), { itemId: two.item.id, note: '已粉刷' });
    expect(last.topicStatus).toBe('evaluating');
    expect(
      (await completeResponsibilityItem(as(ctx, housing), { itemId: two.item.id, note: '再次' })).completed,
    ).toBe(false);

    const [after] = await database.db.select().from(topics).where(eq(topics.id, topic.id));
    expect(after?.status).toBe('evaluating');
    const [survey] = await database.db.select().from(surveys).where(eq(surveys.topicId, topic.id));
    expect(survey?.department).toBe('区住建局');
    const [campaign] = await database.db.select().from(campaigns).where(eq(campaigns.topicId, topic.id));
    const sent = await database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.campaignId, campaign?.id ?? ''));
    expect(sent.map((d) => d.residentId).sort()).toEqual([a, b].sort());

    const evaluation = await listEvaluation(as(ctx, housing), {});
    const row = evaluation.topics.find((r) => r.topic.id === topic.id);
    expect(row).toMatchObject({ items: 2, completed: 2, completedOnTime: 2, surveys: [survey?.code] });
    expect(row?.departments).toEqual(['区住建局', '区水务局']);

    const actions = (await database.db.select({ action: auditLog.action }).from(auditLog)).map(
      (r) => r.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'responsibility.complete',
        'topic.start_implementation',
        'topic.start_evaluation',
      ]),
    );
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('says which item is missing', async () => {
    await expect(
      reportProgress(as(ctx, housing), { itemId: '00000000-0000-4000-8000-000000000000', note: 'x' }),
    ).rejects.toMatchObject({
      code: 'not_found',
      messageKey: 'lists:errors.itemNotFound',
    });
  });
});
