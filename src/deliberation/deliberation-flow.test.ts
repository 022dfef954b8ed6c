/**
 * One topic through every step, on the real verbs and database: needs screened into a theme, the topic
 * published with its notice, a meeting with the "1 + X" panel, attendance, a weighted vote, minutes and
 * speaking time, then the result — with the working-day deadlines crossing National Day 2026.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import {
  auditLog,
  campaigns,
  deliberationResults,
  deliveries,
  demands,
  screeningDecisions,
  topicOrigins,
  topics,
} from '../db/schema.ts';
import { testOutreachEnv } from '../outreach/outreach-test-kit.ts';
import { createTopicFromNeeds } from '../screening/create-topic-from-needs.ts';
import { createTopicFromReport } from '../screening/create-topic-from-report.ts';
import { findThemes } from '../screening/find-themes.ts';
import { setNeedAside } from '../screening/set-need-aside.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import type { Topic } from '../topics/topic-lifecycle.ts';
import { addParticipant } from './add-participant.ts';
import { closeMeeting } from './close-meeting.ts';
import { closeVote } from './close-vote.ts';
import { newCommunity, residentsIn, sendNeed, staffCtx, type TestPlace } from './deliberation-test-kit.ts';
import { getMeetingRecord } from './get-meeting-record.ts';
import { getTopicDeliberation } from './get-topic-deliberation.ts';
import { listDeliberationTopics } from './list-deliberation-topics.ts';
import type { Meeting, MeetingParticipant } from './meeting-access.ts';
import { openMeeting } from './open-meeting.ts';
import { openVote } from './open-vote.ts';
import { previewPublication, publishTopicAndNotify } from './publish-topic-and-notify.ts';
import { publishTopicResult } from './publish-topic-result.ts';
import { recordAttendance } from './record-attendance.ts';
import { recordBallots } from './record-ballots.ts';
import { recordMinutes } from './record-minutes.ts';
import { recordSpeakingTurn } from './record-speaking-turn.ts';
import { scheduleMeeting } from './schedule-meeting.ts';

const TZ = 'Asia/Shanghai';
const env = testOutreachEnv({ senders: {} });

let database: TestDatabase;
let base: Ctx & { clock: ManualClock };
let secretary: Ctx & { clock: ManualClock };
let place: TestPlace;
let topic: Topic;
let meeting: Meeting;
const people = new Map<string, MeetingParticipant>();
let liftNeeds: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  // Friday 18 September 2026, 10:00 in Shanghai.
  base = createTestCtx(database.db, { clock: new ManualClock('2026-09-18T02:00:00Z') });
  place = await newCommunity(database.db);
  secretary = await staffCtx(base, ['community_secretary'], [place.communityId]);
}, 60_000);

afterAll(async () => {
  await database?.close();
});

describe('a topic through screening, publication, a meeting with a weighted vote and its result', () => {
  it('groups residents’ needs into themes with counts per community and grid', async () => {
    const grid1 = await residentsIn(base, place, 0, 30);
    const grid2 = await residentsIn(base, place, 1, 10);
    // People with no phone still count as residents of the community, but get no SMS.
    await residentsIn(base, place, 1, 2, { phone: false });
    const at = (minutes: number) => new Date(Date.UTC(2026, 8, 10, 1, minutes));
    const lift = [
      '3号楼都是老人，爬六楼太难了，希望加装电梯',
      '我们楼没有电梯，腿脚不好上下楼很困难，建议装电梯',
      '老旧小区加装电梯的事什么时候能落实？',
      '住在六楼，年纪大了爬楼梯吃力，盼望加装电梯',
    ];
    liftNeeds = [];
    for (const [i, text] of lift.entries())
      liftNeeds.push(await sendNeed(base, grid1[i] as string, text, at(i)));
    liftNeeds.push(await sendNeed(base, grid2[0] as string, '5号楼想装电梯，费用怎么分摊？', at(10)));
    await sendNeed(base, grid2[1] as string, '晚上回来小区停车位太少，车只能停在消防通道', at(11));
    await sendNeed(base, grid2[2] as string, '车位不够，经常找不到地方停车', at(12));
    await sendNeed(base, grid1[10] as string, '楼道灯坏了好几天了', at(13));

    const overview = await findThemes(secretary);
    expect(overview.total).toBe(8);
    const liftTheme = overview.themes.find((t) => t.terms[0] === '电梯');
    expect(liftTheme?.needs.map((n) => n.id).sort()).toEqual([...liftNeeds].sort());
    expect(liftTheme?.key).toBe(liftNeeds[0]);
    expect(liftTheme?.residents).toBe(5);
    expect(liftTheme?.byCommunity).toEqual([{ communityId: place.communityId, count: 5 }]);
    expect(liftTheme?.byGrid).toEqual([
      { communityId: place.communityId, gridId: place.gridIds[0], count: 4 },
      { communityId: place.communityId, gridId: place.gridIds[1], count: 1 },
    ]);
    expect(overview.themes.find((t) => t.terms[0] === '停车')?.needs).toHaveLength(2);
    expect(overview.singles.map((n) => n.text)).toEqual(['楼道灯坏了好几天了']);
    expect(overview.recommended).toMatchObject({ topics: 0, share: null, target: 0.6 });
  });

  it('creates a resident-recommended topic from the theme and links its needs', async () => {
    const created = await createTopicFromNeeds(secretary, {
      needIds: liftNeeds,
      title: { 'zh-CN': '3号楼加装电梯', en: 'A lift for Block 3' },
      summary: { 'zh-CN': '3号楼六层住宅，多数住户年过六旬，居民希望加装电梯，需商定费用分摊。' },
      themeTerms: ['电梯'],
    });
    topic = created.topic;
    expect(topic).toMatchObject({
      source: 'resident_recommendation',
      status: 'screening',
      communityId: place.communityId,
    });
    expect(created).toMatchObject({ needCount: 5, residentCount: 5 });
    const linked = await database.db.select().from(demands).where(eq(demands.topicId, topic.id));
    expect(linked).toHaveLength(5);
    const [origin] = await database.db.select().from(topicOrigins).where(eq(topicOrigins.topicId, topic.id));
    expect(origin).toMatchObject({ origin: 'theme', needCount: 5, residentCount: 5, themeTerms: ['电梯'] });

    // The same needs cannot go into a second topic.
    await expect(
      createTopicFromNeeds(secretary, {
        needIds: [liftNeeds[0] as string],
        title: { 'zh-CN': '重复' },
        summary: { 'zh-CN': '重复' },
      }),
    ).rejects.toMatchObject({ code: 'conflict' });

    const after = await findThemes(secretary);
    expect(after.total).toBe(3);
    expect(after.recommended).toMatchObject({ topics: 1, residentRecommended: 1, share: 1 });
  });

  it('counts topics from a deputy’s proposal as not recommended by residents', async () => {
    await createTopicFromReport(secretary, {
      origin: 'deputy_proposal',
      reportedBy: '张代表',
      reference: '人大建议第12号',
      title: { 'zh-CN': '纺织厂宿舍二次供水改造' },
      summary: { 'zh-CN': '代表提出宿舍二次供水水压不足。' },
      communityId: place.communityId,
    });
    const overview = await findThemes(secretary);
    expect(overview.recommended).toMatchObject({
      topics: 2,
      residentRecommended: 1,
      share: 0.5,
      bySource: { resident_recommendation: 1, deputy_proposal: 1 },
    });
  });

  it('sets a need aside with its reason', async () => {
    const [single] = (await findThemes(secretary)).singles;
    await setNeedAside(secretary, { needId: single?.id ?? '', reason: '个人报修，已转物业' });
    const [decision] = await database.db
      .select()
      .from(screeningDecisions)
      .where(eq(screeningDecisions.intakeId, single?.id ?? ''));
    expect(decision).toMatchObject({ outcome: 'set_aside', reason: '个人报修，已转物业', topicId: null });
    expect((await findThemes(secretary)).singles).toEqual([]);
  });

  it('shows the publication dates before publishing: 7 working days, the Mid-Autumn holiday skipped', async () => {
    const preview = await previewPublication(secretary, { topicId: topic.id, timeZone: TZ }, env);
    // Published Fri 18 Sep; Sun 20 Sep is a make-up working day; 25 Sep is the Mid-Autumn holiday.
    expect(preview).toMatchObject({
      publishedOn: '2026-09-18',
      publicationEndsOn: '2026-09-29',
      deliberationEarliestOn: '2026-09-30',
      calendarCovered: true,
      audienceSize: 42,
    });
    expect(preview.grids.map((g) => g.residents)).toEqual([30, 12]);
    expect(preview.messages.map((m) => m.body)).toContain(
      '【幸福里社区议事堂】议题' +
        topic.code +
        '《3号楼加装电梯》公示至9月29日。支持回1，反对回2，也可直接回复意见。退订回TD',
    );
  });

  it('publishes the topic and queues the notice to the affected grid', async () => {
    const { topic: published, notice } = await publishTopicAndNotify(
      secretary,
      { topicId: topic.id, gridIds: [place.gridIds[0]], timeZone: TZ },
      env,
    );
    topic = published;
    expect(topic).toMatchObject({
      status: 'published',
      publicationEndsOn: '2026-09-29',
      deliberationEarliestOn: '2026-09-30',
    });
    expect(notice.planned).toBe(30);
    expect(notice.campaign).toMatchObject({
      kind: 'notice',
      topicId: topic.id,
      trigger: `publication-notice:${topic.id}`,
    });
    const rows = await database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.campaignId, notice.campaign.id));
    expect(rows).toHaveLength(30);
    // No SMS provider is configured in this test: the rows are held in the outbox, never reported as sent.
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['held_no_credentials']));
    expect(rows[0]?.body).toContain('公示至9月29日。支持回1，反对回2');
  });

  it('refuses a meeting before the publication period is over, then schedules one with its notice', async () => {
    const input = {
      topicId: topic.id,
      time: '14:30',
      place: '社区服务中心一楼议事厅',
      venueFeatures: ['step_free', 'hearing_loop'],
      onlineUrl: 'https://live.example.org/t',
      timeZone: TZ,
    };
    await expect(scheduleMeeting(secretary, { ...input, date: '2026-09-29' }, env)).rejects.toMatchObject({
      code: 'validation_failed',
      fields: [
        { field: 'date', key: 'deliberation:errors.beforeEarliest', params: { earliest: '2026-09-30' } },
      ],
    });
    const scheduled = await scheduleMeeting(secretary, { ...input, date: '2026-09-30' }, env);
    meeting = scheduled.meeting;
    expect(meeting.startsAt.toISOString()).toBe('2026-09-30T06:30:00.000Z');
    // Without a choice the meeting notice reaches whoever the publication notice reached.
    expect(scheduled.notice.planned).toBe(30);
    expect(scheduled.notice.messages[0]?.body).toContain(
      '协商会9月30日 14:30在社区服务中心一楼议事厅举行，设无障碍通道、助听设备，线上参加：https://live.example.org/t',
    );
  });

  it('opens the meeting on 30 September: deliberation starts and the result is due after National Day', async () => {
    base.clock.set('2026-09-30T06:25:00Z');
    const opened = await openMeeting(secretary, { meetingId: meeting.id, timeZone: TZ });
    expect(opened.startedDeliberation).toBe(true);
    // 8, 9, 10 (make-up Saturday), 12, 13, 14, 15 October: 1–7 October are the holiday.
    expect(opened.topic).toMatchObject({ status: 'deliberating', resultDueOn: '2026-10-15' });
    meeting = opened.meeting;
  });

  it('records the "1 + X" panel, attendance by group, a weighted vote by name, minutes and speaking time', async () => {
    const add = async (name: string, participantGroup: string, voterClass = '', panelMember = true) => {
      const p = await addParticipant(secretary, {
        meetingId: meeting.id,
        name,
        participantGroup,
        voterClass,
        panelMember,
      });
      people.set(name, p);
    };
    await add('李书记', 'convener');
    await add('王大爷', 'resident', '1楼');
    await add('赵阿姨', 'resident', '1楼');
    await add('钱先生', 'resident', '2楼');
    await add('孙女士', 'resident', '5楼');
    await add('李老师', 'resident', '6楼');
    await add('周师傅', 'special_group', '5楼');
    await add('吴律师', 'professional');
    await add('郑经理', 'enterprise');
    await add('住建局陈科长', 'department', '', false);
    await expect(add('第二召集人', 'convener')).rejects.toMatchObject({ code: 'validation_failed' });

    const id = (name: string) => people.get(name)?.id as string;
    await expect(
      recordAttendance(secretary, {
        meetingId: meeting.id,
        entries: [{ participantId: id('周师傅'), attendance: 'proxied', proxyName: '' }],
      }),
    ).rejects.toMatchObject({ fields: [{ field: `proxyName.${id('周师傅')}` }] });
    await recordAttendance(secretary, {
      meetingId: meeting.id,
      entries: [
        ...['李书记', '王大爷', '赵阿姨', '钱先生', '吴律师', '住建局陈科长'].map((n) => ({
          participantId: id(n),
          attendance: 'in_person',
        })),
        { participantId: id('孙女士'), attendance: 'remote' },
        { participantId: id('李老师'), attendance: 'remote' },
        { participantId: id('周师傅'), attendance: 'proxied', proxyName: '周师傅的女儿' },
        { participantId: id('郑经理'), attendance: 'absent' },
      ],
    });

    const vote = await openVote(secretary, {
      meetingId: meeting.id,
      question: '是否同意按方案在3号楼加装电梯',
      method: 'weighted',
      weights: '1楼 = 3\n2楼 = 2',
      otherwiseWeight: '1',
    });
    // Someone who was absent cannot vote.
    await expect(
      recordBallots(secretary, {
        voteId: vote.id,
        ballots: [{ participantId: id('郑经理'), choice: 'for' }],
      }),
    ).rejects.toMatchObject({
      fields: [{ key: 'deliberation:errors.voterDidNotAttend', params: { name: '郑经理' } }],
    });
    await recordBallots(secretary, {
      voteId: vote.id,
      ballots: [
        { participantId: id('王大爷'), choice: 'for' },
        { participantId: id('赵阿姨'), choice: 'for' },
        { participantId: id('钱先生'), choice: 'against' },
        { participantId: id('孙女士'), choice: 'for' },
        { participantId: id('李老师'), choice: 'for' },
        { participantId: id('周师傅'), choice: 'for' },
        { participantId: id('吴律师'), choice: 'abstain' },
        { participantId: id('李书记'), choice: '' },
      ],
    });
    // 王大爷 changes his mind; the ballot is replaced, not added.
    await recordBallots(secretary, {
      voteId: vote.id,
      ballots: [{ participantId: id('王大爷'), choice: 'against' }],
    });
    await expect(closeMeeting(secretary, { meetingId: meeting.id })).rejects.toMatchObject({
      messageKey: 'deliberation:errors.voteStillOpen',
    });
    const closed = await closeVote(secretary, { voteId: vote.id });
    // By hand: for 赵阿姨 3 + 孙女士 1 + 李老师 1 + 周师傅 1 = 6; against 王大爷 3 + 钱先生 2 = 5; abstain 1.
    // 6 is not more than half of 12: a simple count (4 of 7 for) would have passed it.
    expect(closed.tally).toEqual({
      method: 'weighted',
      ballots: 7,
      weight: { for: 6, against: 5, abstain: 1 },
      count: { for: 4, against: 2, abstain: 1 },
      castWeight: 12,
      passed: false,
    });

    await recordSpeakingTurn(secretary, {
      meetingId: meeting.id,
      participantId: id('王大爷'),
      minutes: '6',
      seconds: '0',
    });
    await recordSpeakingTurn(secretary, {
      meetingId: meeting.id,
      participantId: id('吴律师'),
      minutes: '3',
      seconds: '0',
    });
    await recordSpeakingTurn(secretary, {
      meetingId: meeting.id,
      participantId: id('孙女士'),
      minutes: '1',
      seconds: '30',
    });
    await recordMinutes(secretary, {
      meetingId: meeting.id,
      discussion: '王大爷担心采光和噪音；吴律师说明补偿办法；孙女士支持尽快施工。',
      decision: '分层表决未通过，低层住户补偿方案修改后再议。',
    });
    await closeMeeting(secretary, { meetingId: meeting.id });

    const record = await getMeetingRecord(secretary, { meetingId: meeting.id });
    expect(record.completeness).toEqual({ complete: true, missing: [] });
    expect(record.composition).toMatchObject({ conveners: 1, members: 8 });
    expect(record.composition.groups.find((g) => g.group === 'resident')).toMatchObject({
      count: 5,
      share: 5 / 8,
    });
    expect(record.composition.groups.find((g) => g.group === 'social_org')).toMatchObject({
      count: 0,
      short: 2,
    });
    expect(record.attendance.totals).toEqual({
      in_person: 6,
      remote: 2,
      proxied: 1,
      absent: 1,
      unrecorded: 0,
    });
    expect(record.speaking).toMatchObject({ totalSeconds: 630, maxShare: 360 / 630, silent: 5 });
    expect(record.votes[0]?.ballots.find((b) => b.name === '王大爷')).toMatchObject({
      choice: 'against',
      weight: 3,
    });
    expect(record.notice?.total).toBe(30);
  });

  it('tracks the result deadline in working days and shows it overdue after 15 October', async () => {
    base.clock.set('2026-10-12T02:00:00Z');
    let list = await listDeliberationTopics(secretary, { timeZone: TZ });
    expect(list.rows.find((r) => r.topic.id === topic.id)?.deadline).toEqual({
      state: 'due',
      dueOn: '2026-10-15',
      workingDaysLeft: 3,
    });
    expect(list.overdue).toEqual([]);
    base.clock.set('2026-10-16T02:00:00Z');
    list = await listDeliberationTopics(secretary, { timeZone: TZ });
    expect(list.overdue.map((r) => [r.topic.id, r.deadline])).toEqual([
      [topic.id, { state: 'overdue', dueOn: '2026-10-15', workingDaysOverdue: 1 }],
    ]);
  });

  it('publishes the result late with its tally and tells the residents', async () => {
    const data = await getTopicDeliberation(secretary, { topicId: topic.id, timeZone: TZ });
    const voteId = data.closedVotes[0]?.id as string;
    const {
      topic: done,
      onTime,
      notice,
    } = await publishTopicResult(
      secretary,
      {
        topicId: topic.id,
        summary: { 'zh-CN': '分层表决未通过。修改低层住户补偿方案后再次协商。' },
        voteIds: [voteId],
        timeZone: TZ,
      },
      env,
    );
    expect(done.status).toBe('result_published');
    expect(onTime).toBe(false);
    expect(notice.planned).toBe(30);
    expect(notice.messages[0]?.body).toContain('分层表决未通过（按权重赞成6、反对5、弃权1）');
    const [result] = await database.db
      .select()
      .from(deliberationResults)
      .where(eq(deliberationResults.topicId, topic.id));
    expect(result).toMatchObject({ onTime: false, voteIds: [voteId] });
    const after = await getTopicDeliberation(secretary, { topicId: topic.id, timeZone: TZ });
    expect(after.deadline).toEqual({ state: 'late', dueOn: '2026-10-15', publishedOn: '2026-10-16' });
    expect(Object.keys(after.notices).sort()).toEqual(['publication', 'result']);
    const [row] = await database.db.select().from(topics).where(eq(topics.id, topic.id));
    expect(row?.resultPublishedAt?.toISOString()).toBe('2026-10-16T02:00:00.000Z');
  });

  it('audited every step in the hash chain', async () => {
    const actions = (await database.db.select({ action: auditLog.action }).from(auditLog)).map(
      (r) => r.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'screening.topic_from_needs',
        'screening.topic_from_report',
        'screening.set_aside',
        'topic.publish',
        'deliberation.publication_notice',
        'meeting.schedule',
        'meeting.open',
        'topic.start_deliberation',
        'meeting.add_participant',
        'meeting.record_attendance',
        'meeting.open_vote',
        'meeting.record_ballots',
        'meeting.close_vote',
        'meeting.speaking_turn',
        'meeting.record_minutes',
        'meeting.close',
        'topic.publish_result',
        'deliberation.publish_result',
      ]),
    );
    const noticeCampaigns = await database.db
      .select({ trigger: campaigns.trigger, asksStance: campaigns.asksStance })
      .from(campaigns)
      .where(and(eq(campaigns.topicId, topic.id), eq(campaigns.kind, 'notice')));
    // Only the publication notice asks "支持回1，反对回2": a reply to the others is never a stance.
    expect(
      noticeCampaigns
        .map((c) => [c.trigger?.split(':')[0], c.asksStance])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    ).toEqual([
      ['meeting-notice', false],
      ['publication-notice', true],
      ['result-notice', false],
    ]);
  });
});

describe('community scope', () => {
  it('refuses a secretary of another community', async () => {
    const other = await newCommunity(database.db, '和平社区');
    const outsider = await staffCtx(base, ['community_secretary'], [other.communityId]);
    await expect(getTopicDeliberation(outsider, { topicId: topic.id, timeZone: TZ })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await findThemes(outsider)).total).toBe(0);
    const liaison = await staffCtx(base, ['department_liaison']);
    await expect(
      publishTopicAndNotify(liaison, { topicId: topic.id, timeZone: TZ }, env),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});
