/**
 * Every KPI on a small fixture whose figures are worked out by hand below. "Today" is Tuesday
 * 20 October 2026 in Shanghai. Working days follow the 2026 calendar: 25 September and 1–7 October
 * off, Sunday 20 September and Saturday 10 October worked.
 *
 * Topics (community of 100 residents: 30 elderly, 10 disabled)
 *   A resident_recommendation, closed: published, publication ended 10 Sep, deliberated 14 Sep,
 *     result due 23 Sep, published 18 Sep. Affects the elderly.
 *   B resident_recommendation, implementing: publication ended 10 Sep but deliberated on 10 Sep
 *     (too early), result due 21 Sep, published 24 Sep (late). Affects the disabled.
 *   C online, result_published: never published, deliberated 15 Sep, result due 24 Sep, published
 *     16 Sep; no responsibility item. Affects the elderly; outreach (visit list) done for them.
 *   D deputy_proposal, published.   E grid_visit, rejected (affects the elderly: ignored).
 *
 *   publication rate        deliberated A, B, C; in time only A                         = 1/3
 *   plan formation          results A, B, C; with items A, B                           = 2/3
 *   result within 7 days    A (18 ≤ 23) yes, B (24 > 21) no, C (16 ≤ 24) yes             = 2/3
 *   result median days      A 14→18 = 4; B 10→24 = 11 (11, 14–18, 20, 21–24); C 15→16 = 1 → median 4
 *   resident-recommended    A, B of A–E                                                 = 2/5
 *
 * Responsibility items
 *   I1 (A) 住建局, assigned 21 Sep, due 28 Sep, done 25 Sep; 住建局 first reported 22 Sep.
 *   I2 (A) 水务局 with 住建局, assigned 21 Sep, due 12 Oct (open: overdue), response due 19 Oct;
 *     水务局 reported 23 Sep, 住建局 never.
 *   I3 (B) 城管局, assigned 28 Sep, due in 30 working days (not due), no report.
 *
 *   implementation          done or past due: I1, I2; done: I1                          = 1/2
 *   cross-department answer I2: 水务局 23 Sep ≤ 19 Oct yes; 住建局 silent past 19 Oct no     = 1/2
 *   first response median   I1 21→22 Sep = 1; I2 21→23 Sep = 2 → median 1.5
 *
 * Satisfaction: A's survey has 3 very satisfied, 2 satisfied, 1 basically satisfied, 2 dissatisfied
 * and a skip; B's survey 1 satisfied, 1 very dissatisfied; a survey of no topic (5 very dissatisfied)
 * does not count.                                                        satisfied 6 + 1 of 8 + 2 = 7/10
 *
 * Meetings: M1 (A, closed) convener, resident in person, enterprise remote; attendance for all,
 * minutes, a closed vote → complete. M2 (B, closed) resident by proxy, special group not recorded →
 * incomplete. M3 (C, closed) social organisation and department in person, minutes, vote still open →
 * incomplete. M4 (A, scheduled) resident absent → not counted.
 *   record completeness     1 complete of 3 closed                                      = 1/3
 *   attendances present, conveners and departments left out: resident 2 (M1, M2), enterprise 1,
 *   social organisation 1 → residents 2/4, enterprises 1/4, social organisations 1/4
 *
 * Special groups: A (elderly) heard 1 elderly of 2 residents = 50% ≥ 30% → safeguarded; B (disabled)
 * heard 0 of 1 < 10%, no outreach → not; C (elderly) nobody heard, but visits arranged → safeguarded.
 *   special-group safeguard                                                              = 2/3
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  communities,
  meetingMinutes,
  meetingParticipants,
  meetings,
  meetingVotes,
  participationOutreach,
  responsibilityItems,
  responsibilityProgress,
  topicAffectedGroups,
} from '../db/schema.ts';
import { as, contribute, insertStaff } from '../lists/lists-test-kit.ts';
import { insertResidents, insertSurvey, insertTopic, newPlace } from '../outreach/outreach-test-kit.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { computeKpis, type KpiReport, median } from './compute-kpis.ts';
import type { KpiId } from './kpi-targets.ts';

let database: TestDatabase;
let report: KpiReport;

const at = (day: string) => new Date(`${day}T02:00:00Z`);

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  const ctx = createTestCtx(db, { now: '2026-10-20T02:00:00Z' });
  const { community } = await newPlace(db);
  await db
    .update(communities)
    .set({ profile: { total: 100, elderly: 30, disabled: 10 } })
    .where(eq(communities.id, community.id));
  const communityId = community.id;

  const a = await insertTopic(db, {
    source: 'resident_recommendation',
    status: 'closed',
    communityId,
    publishedAt: at('2026-09-01'),
    publicationEndsOn: '2026-09-10',
    deliberatedAt: at('2026-09-14'),
    resultDueOn: '2026-09-23',
    resultPublishedAt: at('2026-09-18'),
  });
  const b = await insertTopic(db, {
    source: 'resident_recommendation',
    status: 'implementing',
    communityId,
    publishedAt: at('2026-09-01'),
    publicationEndsOn: '2026-09-10',
    deliberatedAt: at('2026-09-10'),
    resultDueOn: '2026-09-21',
    resultPublishedAt: at('2026-09-24'),
  });
  const c = await insertTopic(db, {
    source: 'online',
    status: 'result_published',
    communityId,
    publishedAt: null,
    publicationEndsOn: null,
    deliberatedAt: at('2026-09-15'),
    resultDueOn: '2026-09-24',
    resultPublishedAt: at('2026-09-16'),
  });
  await insertTopic(db, { source: 'deputy_proposal', status: 'published', communityId });
  const e = await insertTopic(db, { source: 'grid_visit', status: 'rejected', communityId });

  const item = (
    values: Partial<typeof responsibilityItems.$inferInsert> &
      Pick<typeof responsibilityItems.$inferInsert, 'topicId' | 'assignedOn' | 'dueOn'>,
  ) => ({
    title: '事项',
    acceptanceCriteria: '验收',
    lang: 'zh-CN' as const,
    department: '区住建局',
    deadlineWorkingDays: 5,
    ...values,
  });
  const [i1, i2] = await db
    .insert(responsibilityItems)
    .values([
      item({
        topicId: a.id,
        assignedOn: '2026-09-21',
        dueOn: '2026-09-28',
        status: 'completed',
        completedOn: '2026-09-25',
      }),
      item({
        topicId: a.id,
        department: '区水务局',
        cooperatingDepartments: ['区住建局'],
        assignedOn: '2026-09-21',
        deadlineWorkingDays: 10,
        dueOn: '2026-10-12',
        responseDueOn: '2026-10-19',
        status: 'in_progress',
      }),
      item({
        topicId: b.id,
        department: '区城管局',
        assignedOn: '2026-09-28',
        deadlineWorkingDays: 30,
        dueOn: '2026-11-13',
      }),
    ])
    .returning();
  const report_ = (itemId: string, department: string, day: string) => ({
    itemId,
    kind: 'progress' as const,
    department,
    note: '进展',
    lang: 'zh-CN' as const,
    reportedAt: at(day),
    reportedOn: day,
  });
  await db
    .insert(responsibilityProgress)
    .values([
      report_(i1?.id ?? '', '区住建局', '2026-09-22'),
      report_(i1?.id ?? '', '区住建局', '2026-09-25'),
      report_(i2?.id ?? '', '区水务局', '2026-09-23'),
    ]);

  const answer = async (topicId: string | null, answers: string[]) => {
    const { survey, questions } = await insertSurvey(db, { topicId });
    for (const value of answers) {
      await contribute(db, {
        residentId: null,
        topicId: topicId ?? a.id,
        how: 'answer',
        answer: value,
        surveyId: survey.id,
        questionId: questions[0]?.id ?? '',
      });
    }
  };
  await answer(a.id, [
    'very_satisfied',
    'very_satisfied',
    'very_satisfied',
    'satisfied',
    'satisfied',
    'basically_satisfied',
    'dissatisfied',
    'dissatisfied',
    'skipped',
  ]);
  await answer(b.id, ['satisfied', 'very_dissatisfied']);
  await answer(
    null,
    Array.from({ length: 5 }, () => 'very_dissatisfied'),
  );

  const meeting = async (topicId: string, status: 'closed' | 'scheduled') => {
    const [m] = await db
      .insert(meetings)
      .values({ topicId, status, startsAt: at('2026-09-14'), place: '社区议事厅' })
      .returning();
    if (!m) throw new Error('meeting not inserted');
    return m.id;
  };
  const m1 = await meeting(a.id, 'closed');
  const m2 = await meeting(b.id, 'closed');
  const m3 = await meeting(c.id, 'closed');
  const m4 = await meeting(a.id, 'scheduled');
  await db.insert(meetingParticipants).values([
    { meetingId: m1, name: '王书记', participantGroup: 'convener', attendance: 'in_person' },
    { meetingId: m1, name: '张阿姨', participantGroup: 'resident', attendance: 'in_person' },
    { meetingId: m1, name: '物业公司', participantGroup: 'enterprise', attendance: 'remote' },
    { meetingId: m2, name: '李大爷', participantGroup: 'resident', attendance: 'proxied' },
    { meetingId: m2, name: '赵女士', participantGroup: 'special_group', attendance: null },
    { meetingId: m3, name: '社工站', participantGroup: 'social_org', attendance: 'in_person' },
    { meetingId: m3, name: '街道城管科', participantGroup: 'department', attendance: 'in_person' },
    { meetingId: m4, name: '钱先生', participantGroup: 'resident', attendance: 'absent' },
  ]);
  await db.insert(meetingMinutes).values([
    { meetingId: m1, discussion: '讨论了加装电梯', decision: '同意加装', recordedAt: at('2026-09-14') },
    { meetingId: m3, discussion: '讨论了停车', decision: '划线', recordedAt: at('2026-09-15') },
  ]);
  const weights = { byClass: {}, otherwise: 1 };
  await db.insert(meetingVotes).values([
    { meetingId: m1, question: '是否加装', method: 'majority', weights, status: 'closed' },
    { meetingId: m2, question: '是否同意', method: 'majority', weights, status: 'closed' },
    { meetingId: m3, question: '是否划线', method: 'majority', weights, status: 'open' },
  ]);

  const [elderly, someone, another] = await insertResidents(ctx, [
    { communityId, groups: ['elderly'] },
    { communityId },
    { communityId },
  ]);
  await contribute(db, { residentId: elderly ?? null, topicId: a.id, how: 'opinion' });
  await contribute(db, { residentId: someone ?? null, topicId: a.id, how: 'vote' });
  await contribute(db, { residentId: another ?? null, topicId: b.id, how: 'opinion' });
  await db.insert(topicAffectedGroups).values([
    { topicId: a.id, group: 'elderly', markedAt: at('2026-09-01') },
    { topicId: b.id, group: 'disabled', markedAt: at('2026-09-01') },
    { topicId: c.id, group: 'elderly', markedAt: at('2026-09-01') },
    { topicId: e.id, group: 'elderly', markedAt: at('2026-09-01') },
  ]);
  await db.insert(participationOutreach).values({
    topicId: c.id,
    group: 'elderly',
    action: 'visit_list',
    residents: 4,
    takenAt: at('2026-09-20'),
  });

  const viewer = await insertStaff(db, ['department_liaison'], { department: '区住建局' });
  report = await computeKpis(as(ctx, viewer), { timeZone: 'Asia/Shanghai' });
});

afterAll(async () => {
  await database?.close();
});

function kpi(id: KpiId) {
  const found = report.kpis.find((k) => k.id === id);
  if (!found) throw new Error(`no KPI ${id}`);
  return found;
}

describe('KPIs on the hand-computed fixture', () => {
  it('reports as of today in the hall’s time zone, every figure once', () => {
    expect(report.today).toBe('2026-10-20');
    expect(new Set(report.kpis.map((k) => k.id)).size).toBe(14);
  });

  it.each([
    ['publication_rate', 1, 3, false],
    ['record_completeness', 1, 3, false],
    ['plan_formation_rate', 2, 3, false],
    ['implementation_rate', 1, 2, false],
    ['satisfaction_rate', 7, 10, false],
    ['resident_recommended_share', 2, 5, false],
    ['participation_residents', 2, 4, false],
    ['participation_enterprises', 1, 4, true],
    ['participation_social_orgs', 1, 4, true],
    ['special_group_safeguard', 2, 3, false],
    ['result_publication_on_time', 2, 3, false],
    ['cross_department_response_on_time', 1, 2, false],
  ] as const)('%s is %i of %i (met: %s)', (id, numerator, denominator, met) => {
    expect(kpi(id)).toMatchObject({ numerator, denominator, sample: denominator, met });
    expect(kpi(id).value).toBeCloseTo(numerator / denominator, 10);
  });

  it('gives the medians in working days beside their limits', () => {
    expect(kpi('result_publication_median_days')).toMatchObject({
      value: 4,
      sample: 3,
      target: 7,
      met: true,
    });
    expect(kpi('first_response_median_days')).toMatchObject({ value: 1.5, sample: 2, target: 15, met: true });
  });

  it('counts attendance by the group it was recorded in', () => {
    expect(report.attendance).toEqual({
      convener: 1,
      resident: 2,
      enterprise: 1,
      social_org: 1,
      department: 1,
    });
  });

  it('compares with the plan’s targets', () => {
    expect(kpi('satisfaction_rate')).toMatchObject({ target: 0.85, comparison: 'at_least' });
    expect(kpi('record_completeness').target).toBe(0.95);
    expect(kpi('resident_recommended_share').target).toBe(0.6);
  });
});

describe('an empty installation', () => {
  it('has nothing to measure rather than zero', async () => {
    const empty = await createTestDatabase();
    try {
      const result = await computeKpis(createTestCtx(empty.db), {});
      expect(result.kpis.every((k) => k.value === null && k.met === null && k.sample === 0)).toBe(true);
    } finally {
      await empty.close();
    }
  });

  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
