/**
 * The lists, KPIs and balance on a year's worth of a busy street, in embedded PGlite: 200 topics,
 * 10,000 residents, 40,000 opinions and votes, 2,000 responsibility items. How long the KPI dashboard,
 * the balance overview of every topic, one topic's balance and the daily supervision run take.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { ManualClock } from '../src/core/clock.ts';
import type { Ctx } from '../src/core/context.ts';
import { silentLogger } from '../src/core/logger.ts';
import { openDatabase } from '../src/db/open-database.ts';
import {
  communities,
  intakes,
  opinions,
  RESIDENT_GROUPS,
  residents,
  responsibilityItems,
  responsibilityProgress,
  streets,
  topicAffectedGroups,
  topics,
  votes,
} from '../src/db/schema.ts';
import { createSeededRandom } from '../src/demo/seeded-random.ts';
import { getI18n } from '../src/i18n/i18n.ts';
import { computeKpis } from '../src/kpi/compute-kpis.ts';
import { superviseResponsibilityItems } from '../src/lists/supervise-responsibility-items.ts';
import { getParticipationBalance } from '../src/participation/get-participation-balance.ts';
import { listParticipationBalance } from '../src/participation/list-participation-balance.ts';
import { createPii, generatePiiKey } from '../src/residents/pii.ts';
import { addWorkingDays } from '../src/topics/working-days.ts';
import type { BenchResult } from './bench-result.ts';

const TOPICS = 200;
const RESIDENTS = 10_000;
const CONTRIBUTIONS = 40_000;
const ITEMS = 2_000;
const BATCH = 1_000;

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] ?? 0);
}

async function insertAll<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}

export async function run(): Promise<BenchResult[]> {
  const database = await openDatabase({ kind: 'pglite' });
  const db = database.db;
  const random = createSeededRandom(20261020);
  const clock = new ManualClock('2026-11-20T01:00:00Z');
  const ctx: Ctx = {
    actor: { type: 'system', job: 'bench' },
    db,
    clock,
    log: silentLogger(),
    pii: createPii(generatePiiKey()),
  };
  try {
    const [street] = await db
      .insert(streets)
      .values({ code: 'b', name: { 'zh-CN': '街道' } })
      .returning();
    const [community] = await db
      .insert(communities)
      .values({
        streetId: street?.id ?? '',
        code: 'bc',
        name: { 'zh-CN': '幸福里社区' },
        profile: { total: 8420, elderly: 2350, disabled: 312, migrant_worker: 1280, professional: 265 },
      })
      .returning();
    const communityId = community?.id ?? '';

    const topicRows = await db
      .insert(topics)
      .values(
        Array.from({ length: TOPICS }, (_, i) => ({
          title: { 'zh-CN': `议题${i}` },
          summary: { 'zh-CN': '摘要' },
          source: random.pick([
            'resident_recommendation',
            'online',
            'grid_visit',
            'deputy_proposal',
          ] as const),
          status: random.pick(['published', 'result_published', 'implementing', 'evaluating'] as const),
          communityId,
          publishedAt: new Date('2026-06-01T02:00:00Z'),
          publicationEndsOn: '2026-06-10',
          deliberatedAt: new Date('2026-06-15T02:00:00Z'),
          resultDueOn: '2026-06-24',
          resultPublishedAt: new Date('2026-06-20T02:00:00Z'),
        })),
      )
      .returning({ id: topics.id });
    await db
      .insert(topicAffectedGroups)
      .values(topicRows.map((t) => ({ topicId: t.id, group: 'elderly' as const, markedAt: clock.now() })));

    const residentRows: { id: string }[] = [];
    await insertAll(
      Array.from({ length: RESIDENTS }, () => ({
        communityId,
        groups:
          random.next() < 0.28
            ? ['elderly' as const]
            : random.next() < 0.1
              ? [random.pick(RESIDENT_GROUPS)]
              : [],
      })),
      async (batch) =>
        residentRows.push(...(await db.insert(residents).values(batch).returning({ id: residents.id }))),
    );

    const tag = randomBytes(3).toString('hex');
    const contributions = Array.from({ length: CONTRIBUTIONS }, (_, i) => ({
      topicId: random.pick(topicRows).id,
      residentId: random.pick(residentRows).id,
      channel: random.pick(['sms', 'voice', 'kiosk', 'web', 'proxy'] as const),
      kind: i % 4 === 0 ? ('vote' as const) : ('opinion' as const),
      externalId: `${tag}-${i}`,
    }));
    await insertAll(contributions, async (batch) => {
      const rows = await db
        .insert(intakes)
        .values(
          batch.map((c) => ({
            channel: c.channel,
            externalId: c.externalId,
            actorType: 'resident',
            actor: {},
            residentId: c.residentId,
            declaredKind: 'text',
            kind: c.kind,
            language: 'zh-CN' as const,
            receivedAt: clock.now(),
            outcome: {},
          })),
        )
        .returning({ id: intakes.id });
      const pairs = batch.map((c, i) => ({ ...c, intakeId: rows[i]?.id ?? '' }));
      const ops = pairs.filter((p) => p.kind === 'opinion');
      const vs = pairs.filter((p) => p.kind === 'vote');
      if (ops.length) {
        await db.insert(opinions).values(
          ops.map((p) => ({
            intakeId: p.intakeId,
            topicId: p.topicId,
            residentId: p.residentId,
            channel: p.channel,
            stance: 'support' as const,
          })),
        );
      }
      if (vs.length) {
        await db.insert(votes).values(
          vs.map((p) => ({
            intakeId: p.intakeId,
            topicId: p.topicId,
            residentId: p.residentId,
            channel: p.channel,
            choice: '1',
          })),
        );
      }
    });

    const departments = ['区住建局', '区水务局', '区城管局', '区民政局', '街道办'];
    const itemRows: { id: string; department: string; assignedOn: string }[] = [];
    await insertAll(
      Array.from({ length: ITEMS }, () => {
        const assignedOn = random.pick(['2026-08-03', '2026-09-01', '2026-10-12', '2026-11-02']);
        const days = 5 + Math.floor(random.next() * 40);
        const cross = random.next() < 0.3;
        return {
          topicId: random.pick(topicRows).id,
          title: '事项',
          acceptanceCriteria: '验收',
          lang: 'zh-CN' as const,
          department: random.pick(departments),
          cooperatingDepartments: cross ? [random.pick(departments)] : [],
          assignedOn,
          deadlineWorkingDays: days,
          dueOn: addWorkingDays(assignedOn, days),
          responseDueOn: cross ? addWorkingDays(assignedOn, 15) : null,
          status: random.pick(['open', 'in_progress', 'completed'] as const),
          completedOn: null,
        };
      }),
      async (batch) =>
        itemRows.push(
          ...(await db.insert(responsibilityItems).values(batch).returning({
            id: responsibilityItems.id,
            department: responsibilityItems.department,
            assignedOn: responsibilityItems.assignedOn,
          })),
        ),
    );
    await insertAll(itemRows.slice(0, ITEMS * 0.7), (batch) =>
      db.insert(responsibilityProgress).values(
        batch.map((item) => ({
          itemId: item.id,
          kind: 'progress' as const,
          department: item.department,
          note: '进展',
          lang: 'zh-CN' as const,
          reportedAt: clock.now(),
          reportedOn: addWorkingDays(item.assignedOn, 3),
        })),
      ),
    );
    await db
      .update(responsibilityItems)
      .set({ completedOn: '2026-10-20' })
      .where(eq(responsibilityItems.status, 'completed'));

    const env = { i18n: getI18n(), defaultLocale: 'zh-CN' as const, senders: {} };
    const kpis = await median(3, () => computeKpis(ctx, {}));
    const overview = await median(3, () => listParticipationBalance(ctx));
    const one = await median(5, () => getParticipationBalance(ctx, { topicId: topicRows[0]?.id ?? '' }));
    let started = performance.now();
    const first = await superviseResponsibilityItems(ctx, {}, env);
    const firstRun = Math.round(performance.now() - started);
    started = performance.now();
    await superviseResponsibilityItems(ctx, {}, env);
    const rerun = Math.round(performance.now() - started);
    const scale = `${TOPICS} topics, ${RESIDENTS} residents, ${CONTRIBUTIONS} contributions, ${ITEMS} items`;
    return [
      { name: 'lists: KPI dashboard (14 figures)', value: kpis, unit: 'ms', note: `median of 3; ${scale}` },
      {
        name: `lists: balance overview of ${TOPICS} topics`,
        value: overview,
        unit: 'ms',
        note: 'median of 3',
      },
      { name: 'lists: one topic’s balance', value: one, unit: 'ms', note: 'median of 5' },
      {
        name: 'lists: daily supervision, first run',
        value: firstRun,
        unit: 'ms',
        note: `${first.flagged.overdue} overdue and ${first.flagged.no_response} silent-department flags raised`,
      },
      { name: 'lists: daily supervision, nothing new', value: rerun, unit: 'ms' },
    ];
  } finally {
    await database.close();
  }
}
