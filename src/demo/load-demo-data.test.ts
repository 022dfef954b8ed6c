import { asc, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESSIBILITY_NEEDS,
  auditLog,
  communities,
  demands,
  grids,
  intakes,
  LOCALES,
  opinions,
  RESIDENT_GROUPS,
  residentOptOuts,
  residents,
  streets,
  systemState,
  TOPIC_STATUSES,
  type TopicStatus,
  topics,
  topicTransitions,
} from '../db/schema.ts';
import { normalisePhone } from '../residents/normalise-phone.ts';
import { verifyAuditChain } from '../staff/verify-audit-chain.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { addWorkingDays, localDate, nextWorkingDay } from '../topics/working-days.ts';
import { DEMO_INTAKES } from './demo-intakes.ts';
import { DEMO_RESIDENT_COUNT, demoPhoneNumbers } from './demo-residents.ts';
import { DEMO_TOPICS } from './demo-topics.ts';
import { DEMO_DATA_STATE_KEY, type DemoDataState, loadDemoData } from './load-demo-data.ts';

const TZ = 'Asia/Shanghai';
const NOW = '2026-11-27T02:00:00Z';

const PATH: TopicStatus[] = [
  'collecting',
  'screening',
  'published',
  'deliberating',
  'result_published',
  'implementing',
  'evaluating',
  'closed',
];

async function demoState(database: TestDatabase): Promise<DemoDataState> {
  const [state] = await database.db
    .select()
    .from(systemState)
    .where(eq(systemState.key, DEMO_DATA_STATE_KEY));
  if (!state) throw new Error('no demo_data state recorded');
  return state.value as DemoDataState;
}

describe('loadDemoData', () => {
  let database: TestDatabase;
  let ctx: ReturnType<typeof createTestCtx>;

  beforeAll(async () => {
    database = await createTestDatabase();
    ctx = createTestCtx(database.db, { now: NOW });
  });
  afterAll(async () => {
    await database.close();
  });

  it('loads the demo street exactly once even when two loads race', async () => {
    const results = await Promise.all([
      loadDemoData(ctx, { timeZone: TZ }),
      loadDemoData(ctx, { timeZone: TZ }),
    ]);
    const loaded = results.filter((r) => r.loaded);
    expect(loaded).toHaveLength(1);
    expect(loaded[0]).toEqual({
      loaded: true,
      residents: DEMO_RESIDENT_COUNT,
      topics: DEMO_TOPICS.length,
      intakes: DEMO_INTAKES.length,
    });
    expect(results.find((r) => !r.loaded)).toEqual({ loaded: false, residents: 0, topics: 0, intakes: 0 });

    expect(await database.db.$count(residents)).toBe(DEMO_RESIDENT_COUNT);
    expect(await database.db.$count(topics)).toBe(DEMO_TOPICS.length);
    expect(await database.db.$count(streets)).toBe(1);
    expect(await database.db.$count(communities)).toBe(2);
    expect(await database.db.$count(grids)).toBe(6);
  });

  it('loads nothing on a later call', async () => {
    expect(await loadDemoData(ctx, { timeZone: TZ })).toEqual({
      loaded: false,
      residents: 0,
      topics: 0,
      intakes: 0,
    });
    expect(await database.db.$count(residents)).toBe(DEMO_RESIDENT_COUNT);
    expect(await database.db.$count(topics)).toBe(DEMO_TOPICS.length);
  });

  it('records the load in system_state and in the audit chain, with counts only', async () => {
    const value = await demoState(database);
    expect(value).toMatchObject({
      loadedAt: new Date(NOW).toISOString(),
      timeZone: TZ,
      residents: DEMO_RESIDENT_COUNT,
      topics: DEMO_TOPICS.length,
      communities: 2,
      grids: 6,
      intakes: DEMO_INTAKES.length,
    });
    expect(value.topicTransitions).toBe(await database.db.$count(topicTransitions));

    const entries = await database.db.select().from(auditLog).where(eq(auditLog.action, 'demo.loaded'));
    expect(entries).toHaveLength(1);
    expect(entries[0]?.data).toEqual({
      streets: 1,
      communities: 2,
      grids: 6,
      residents: DEMO_RESIDENT_COUNT,
      optOuts: value.optOuts,
      topics: DEMO_TOPICS.length,
      topicTransitions: value.topicTransitions,
    });
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });

  it('gives each community a profile and three grids, named in every locale', async () => {
    const rows = await database.db.select().from(communities);
    for (const community of rows) {
      expect(Object.keys(community.name).sort()).toEqual([...LOCALES].sort());
      expect(community.profile.total).toBeGreaterThan(1000);
      expect(community.profile.elderly).toBeGreaterThan(0);
      expect(community.profile.disabled).toBeGreaterThan(0);
      expect(community.profile.migrant_worker).toBeGreaterThan(0);
      const communityGrids = await database.db
        .select()
        .from(grids)
        .where(eq(grids.communityId, community.id));
      expect(communityGrids).toHaveLength(3);
      for (const grid of communityGrids) expect(Object.keys(grid.name).sort()).toEqual([...LOCALES].sort());
    }
  });

  it('represents every group, need, locale and contact channel among the residents', async () => {
    const rows = await database.db.select().from(residents);
    for (const group of RESIDENT_GROUPS)
      expect(
        rows.some((r) => r.groups.includes(group)),
        group,
      ).toBe(true);
    for (const need of ACCESSIBILITY_NEEDS) {
      expect(
        rows.some((r) => r.accessibilityNeeds.includes(need)),
        need,
      ).toBe(true);
    }
    for (const locale of LOCALES)
      expect(
        rows.some((r) => r.preferredLocale === locale),
        locale,
      ).toBe(true);
    for (const channel of ['sms', 'voice', 'visit'] as const) {
      expect(
        rows.some((r) => r.preferredChannel === channel),
        channel,
      ).toBe(true);
    }

    const share = (n: number) => n / rows.length;
    expect(share(rows.filter((r) => r.groups.includes('elderly')).length)).toBeCloseTo(0.35, 1);
    expect(rows.filter((r) => r.groups.includes('deputy'))).toHaveLength(2);
    expect(rows.filter((r) => r.preferredLocale === 'zh-CN').length).toBeGreaterThan(rows.length / 2);
    expect(rows.filter((r) => r.name === null).length).toBeGreaterThan(rows.length / 3);
    expect(rows.some((r) => r.quietStartMinute !== 21 * 60 || r.quietEndMinute !== 8 * 60)).toBe(true);
    expect(new Set(rows.map((r) => r.gridId)).size).toBe(6);

    // People who cannot read a text message are reached by voice, or in person.
    const cannotReadText = rows.filter(
      (r) =>
        r.accessibilityNeeds.includes('cannot_read') || r.accessibilityNeeds.includes('blind_low_vision'),
    );
    expect(cannotReadText.length).toBeGreaterThan(0);
    for (const r of cannotReadText) expect(['voice', 'visit']).toContain(r.preferredChannel);
    expect(cannotReadText.some((r) => r.preferredChannel === 'voice')).toBe(true);
    expect(cannotReadText.some((r) => r.preferredChannel === 'visit')).toBe(true);

    // Without a phone, only a visit reaches them.
    const withoutPhone = rows.filter((r) => r.phoneCipher === null);
    expect(withoutPhone.length).toBeGreaterThan(0);
    for (const r of withoutPhone) {
      expect(r.phoneHash).toBeNull();
      expect(r.preferredChannel).toBe('visit');
    }
  });

  it('opts a handful of residents out of SMS, all of whom have a phone', async () => {
    const rows = await database.db
      .select({
        channel: residentOptOuts.channel,
        optedOut: residentOptOuts.optedOut,
        hash: residents.phoneHash,
      })
      .from(residentOptOuts)
      .innerJoin(residents, eq(residents.id, residentOptOuts.residentId));
    const sms = rows.filter((r) => r.channel === 'sms');
    expect(sms.length).toBeGreaterThanOrEqual(3);
    expect(sms.length).toBeLessThanOrEqual(10);
    for (const r of rows) {
      expect(r.optedOut).toBe(true);
      expect(r.hash).not.toBeNull();
    }
  });

  it('finds every resident with a phone by the blind index of the normalised number', async () => {
    const phones = demoPhoneNumbers();
    const withPhone = await database.db
      .select({ id: residents.id, hash: residents.phoneHash, cipher: residents.phoneCipher })
      .from(residents)
      .where(isNotNull(residents.phoneHash));
    expect(withPhone).toHaveLength(phones.length);
    const byHash = new Map(withPhone.map((r) => [r.hash, r]));
    for (const phone of phones) {
      // The national form, as a resident would type it.
      const e164 = normalisePhone(phone.replace(/^\+86/, ''));
      expect(e164, phone).toBe(phone);
      const row = byHash.get(ctx.pii.phoneHash(e164 as string));
      expect(row, phone).toBeDefined();
      expect(ctx.pii.decryptPhone(row?.cipher as string)).toBe(phone);
    }
  });

  it('covers every topic status, with about 60% recommended by residents', async () => {
    const rows = await database.db.select().from(topics);
    expect(new Set(rows.map((t) => t.status))).toEqual(new Set(TOPIC_STATUSES));
    const recommended = rows.filter((t) => t.source === 'resident_recommendation').length / rows.length;
    expect(recommended).toBeGreaterThanOrEqual(0.55);
    expect(recommended).toBeLessThanOrEqual(0.7);
    expect(new Set(rows.map((t) => t.source)).size).toBe(4);
    for (const t of rows) {
      expect(Object.keys(t.title).sort()).toEqual([...LOCALES].sort());
      expect(Object.keys(t.summary).sort()).toEqual([...LOCALES].sort());
    }
    const rejected = rows.find((t) => t.status === 'rejected');
    expect(rejected?.rejectReason).toBeTruthy();
    expect(rejected?.rejectedAt).not.toBeNull();
  });

  it('dates every topic by the working-day rules, all in the past', async () => {
    const now = ctx.clock.now();
    const today = localDate(now, TZ);
    const rows = await database.db.select().from(topics);
    for (const t of rows) {
      expect(t.createdAt.getTime()).toBeLessThan(now.getTime());
      if (t.publishedAt) {
        const publishedOn = localDate(t.publishedAt, TZ);
        expect(t.publicationEndsOn, t.code).toBe(addWorkingDays(publishedOn, 7));
        expect(t.deliberationEarliestOn, t.code).toBe(nextWorkingDay(t.publicationEndsOn as string));
      } else {
        expect(t.publicationEndsOn).toBeNull();
      }
      if (t.status === 'published') expect(t.publicationEndsOn! >= today, t.code).toBe(true);
      if (t.deliberatedAt) {
        const deliberatedOn = localDate(t.deliberatedAt, TZ);
        expect(deliberatedOn >= (t.deliberationEarliestOn as string), t.code).toBe(true);
        expect(t.resultDueOn, t.code).toBe(addWorkingDays(deliberatedOn, 7));
      }
      if (t.resultPublishedAt) {
        expect(localDate(t.resultPublishedAt, TZ) <= (t.resultDueOn as string), t.code).toBe(true);
      }
      for (const at of [
        t.screenedAt,
        t.publishedAt,
        t.deliberatedAt,
        t.resultPublishedAt,
        t.implementingAt,
        t.evaluatingAt,
        t.closedAt,
        t.rejectedAt,
      ]) {
        if (at) expect(at.getTime()).toBeLessThan(now.getTime());
      }
    }
  });

  it('records a transition for every step each topic went through, in order', async () => {
    const rows = await database.db.select().from(topics);
    for (const t of rows) {
      const steps = await database.db
        .select()
        .from(topicTransitions)
        .where(eq(topicTransitions.topicId, t.id))
        .orderBy(asc(topicTransitions.id));
      const expected: [TopicStatus, TopicStatus][] =
        t.status === 'rejected'
          ? [
              ['collecting', 'screening'],
              ['screening', 'rejected'],
            ]
          : PATH.slice(0, PATH.indexOf(t.status) + 1)
              .slice(1)
              .map((to, i) => [PATH[i] as TopicStatus, to]);
      expect(
        steps.map((s) => [s.fromStatus, s.toStatus]),
        t.code,
      ).toEqual(expected);
      let previous = t.createdAt.getTime();
      for (const s of steps) {
        expect(s.at.getTime()).toBeGreaterThan(previous);
        expect(s.actor).toEqual({ type: 'system', job: 'demo-data' });
        previous = s.at.getTime();
      }
      const stamp: Partial<Record<TopicStatus, Date | null>> = {
        screening: t.screenedAt,
        published: t.publishedAt,
        deliberating: t.deliberatedAt,
        result_published: t.resultPublishedAt,
        implementing: t.implementingAt,
        evaluating: t.evaluatingAt,
        closed: t.closedAt,
        rejected: t.rejectedAt,
      };
      for (const s of steps)
        expect(stamp[s.toStatus]?.getTime(), `${t.code} ${s.toStatus}`).toBe(s.at.getTime());
    }
  });

  it("records residents' opinions and demands through ingest, each once", async () => {
    const codes = (await demoState(database)).topicCodes;
    const intakeRows = await database.db.select().from(intakes);
    expect(intakeRows).toHaveLength(DEMO_INTAKES.length);

    const sms = intakeRows.filter((r) => r.channel === 'sms');
    expect(sms.length).toBeGreaterThan(20);
    // Every SMS came from a known demo resident, found by phone; nobody new was created.
    for (const r of sms) expect(r.residentId, r.externalId).not.toBeNull();
    expect(await database.db.$count(residents)).toBe(DEMO_RESIDENT_COUNT);
    expect(new Set(sms.map((r) => r.residentId)).size).toBe(sms.length);
    const kiosk = intakeRows.filter((r) => r.channel === 'kiosk');
    expect(kiosk.length).toBeGreaterThan(0);
    for (const r of kiosk) expect(r.residentId).toBeNull();
    expect(new Set(intakeRows.map((r) => r.language))).toEqual(new Set(LOCALES));
    for (const r of intakeRows) expect(r.receivedAt.getTime()).toBeLessThanOrEqual(ctx.clock.now().getTime());

    const opinionRows = await database.db
      .select({ stance: opinions.stance, code: topics.code, status: topics.status })
      .from(opinions)
      .innerJoin(topics, eq(topics.id, opinions.topicId));
    expect(new Set(opinionRows.map((o) => o.code))).toEqual(
      new Set([codes['lift-block-3'], codes['night-parking'], codes['ebike-charging']]),
    );
    for (const o of opinionRows) expect(['published', 'deliberating']).toContain(o.status);
    expect(new Set(opinionRows.map((o) => o.stance))).toEqual(new Set(['support', 'oppose', 'suggestion']));
    const demandRows = await database.db.select().from(demands);
    expect(opinionRows.length + demandRows.length).toBe(DEMO_INTAKES.length);
    expect(demandRows.some((d) => d.communityId !== null && d.gridId !== null)).toBe(true);
    expect(intakeRows.filter((r) => r.kind === 'unclassified')).toEqual([]);
  });

  it('finishes ingesting the demo intakes after an interrupted load, without repeating any', async () => {
    const state = await demoState(database);
    await database.db
      .update(systemState)
      .set({ value: { ...state, intakes: null } })
      .where(eq(systemState.key, DEMO_DATA_STATE_KEY));
    expect(await loadDemoData(ctx, { timeZone: TZ })).toEqual({
      loaded: false,
      residents: 0,
      topics: 0,
      intakes: 0,
    });
    expect((await demoState(database)).intakes).toBe(DEMO_INTAKES.length);
    expect(await database.db.$count(intakes)).toBe(DEMO_INTAKES.length);
    expect((await database.db.$count(opinions)) + (await database.db.$count(demands))).toBe(
      DEMO_INTAKES.length,
    );
    expect(await database.db.$count(residents)).toBe(DEMO_RESIDENT_COUNT);
  });
});

describe('loadDemoData on an installation already in use', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('leaves a database with residents untouched', async () => {
    const ctx = createTestCtx(database.db, { now: NOW });
    await database.db.insert(residents).values({ name: '已有居民' });
    expect(await loadDemoData(ctx)).toEqual({ loaded: false, residents: 0, topics: 0, intakes: 0 });
    expect(await database.db.$count(residents)).toBe(1);
    expect(await database.db.$count(topics)).toBe(0);
    expect(await database.db.$count(systemState)).toBe(0);
  });
});
