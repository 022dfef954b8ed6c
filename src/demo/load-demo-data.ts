import { eq, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import {
  communities,
  grids,
  residentOptOuts,
  residents,
  streets,
  systemState,
  topics,
  topicTransitions,
} from '../db/schema.ts';
import { ingest } from '../pipeline/ingest.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { buildDemoIntakes, type DemoTopicRef, type OpinionTopicKey } from './demo-intakes.ts';
import { DEMO_COMMUNITIES, DEMO_STREET } from './demo-places.ts';
import { buildDemoResidents } from './demo-residents.ts';
import { DEMO_TOPICS, scheduleDemoTopic } from './demo-topics.ts';

/** The `system_state` key that records the demo load. */
export const DEMO_DATA_STATE_KEY = 'demo_data';

/** Fixed advisory-lock key: two processes starting together load the demo street once. */
const DEMO_LOAD_LOCK = 726_354_003;

const DEMO_ACTOR: Actor = { type: 'system', job: 'demo-data' };

export interface DemoDataState {
  loadedAt: string;
  timeZone: string;
  streets: number;
  communities: number;
  grids: number;
  residents: number;
  optOuts: number;
  topics: number;
  topicTransitions: number;
  /** Stored code of each demo topic, by its key in DEMO_TOPICS. */
  topicCodes: Record<string, string>;
  /** Demo intakes ingested; null until they have all gone through. */
  intakes: number | null;
}

export interface LoadDemoDataResult {
  /**
   * False when the installation already had residents or topics, or the demo street was loaded before;
   * then nothing is added, except demo intakes an interrupted earlier load had not finished.
   */
  loaded: boolean;
  residents: number;
  topics: number;
  /** Demo opinions and demands ingested by this call. */
  intakes: number;
}

/**
 * Loads the demo street (places, ~200 residents, topics at every stage, then residents' opinions and
 * demands through `ingest`) into an empty installation, once. Does nothing if any resident or topic
 * exists or the demo was loaded before; safe to call concurrently.
 */
export async function loadDemoData(
  ctx: Ctx,
  options: { timeZone?: string } = {},
): Promise<LoadDemoDataResult> {
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const outcome = await ctx.db.transaction(
    async (tx): Promise<{ state: DemoDataState; fresh: boolean } | undefined> => {
      const txCtx = withDb(ctx, tx);
      await tx.execute(sql`select pg_advisory_xact_lock(${DEMO_LOAD_LOCK})`);
      const [earlierLoad] = await tx
        .select({ value: systemState.value })
        .from(systemState)
        .where(eq(systemState.key, DEMO_DATA_STATE_KEY));
      if (earlierLoad) return { state: earlierLoad.value as DemoDataState, fresh: false };
      const [anyResident] = await tx.select({ id: residents.id }).from(residents).limit(1);
      const [anyTopic] = await tx.select({ id: topics.id }).from(topics).limit(1);
      if (anyResident || anyTopic) return undefined;

      const now = ctx.clock.now();
      const state = await insertDemoData(txCtx, now, timeZone);
      await tx.insert(systemState).values({ key: DEMO_DATA_STATE_KEY, value: state, updatedAt: now });
      await appendAudit(txCtx, {
        action: 'demo.loaded',
        subjectType: 'system_state',
        subjectId: DEMO_DATA_STATE_KEY,
        data: {
          streets: state.streets,
          communities: state.communities,
          grids: state.grids,
          residents: state.residents,
          optOuts: state.optOuts,
          topics: state.topics,
          topicTransitions: state.topicTransitions,
        },
      });
      return { state, fresh: true };
    },
  );

  // Intakes go through `ingest`, each in its own transaction, after the street exists. If the process
  // stopped half way, the next start finishes them: ingest ignores the ones already recorded.
  let intakes = 0;
  if (outcome && outcome.state.intakes === null) {
    intakes = await ingestDemoIntakes(ctx, outcome.state);
    await ctx.db
      .update(systemState)
      .set({ value: { ...outcome.state, intakes }, updatedAt: ctx.clock.now() })
      .where(eq(systemState.key, DEMO_DATA_STATE_KEY));
  }
  if (!outcome?.fresh) return { loaded: false, residents: 0, topics: 0, intakes: 0 };
  const { state } = outcome;
  ctx.log.info({ residents: state.residents, topics: state.topics, intakes }, 'demo data loaded');
  return { loaded: true, residents: state.residents, topics: state.topics, intakes };
}

async function ingestDemoIntakes(ctx: Ctx, state: DemoDataState): Promise<number> {
  const keys: OpinionTopicKey[] = ['lift-block-3', 'night-parking', 'ebike-charging'];
  const refs = {} as Record<OpinionTopicKey, DemoTopicRef>;
  for (const key of keys) {
    const code = state.topicCodes[key];
    const [topic] = code
      ? await ctx.db
          .select({ code: topics.code, publishedAt: topics.publishedAt })
          .from(topics)
          .where(eq(topics.code, code))
      : [];
    if (!topic?.publishedAt) throw new Error(`demo topic ${key} is missing`);
    refs[key] = { code: topic.code, publishedAt: topic.publishedAt };
  }
  const inputs = buildDemoIntakes(buildDemoResidents(), refs, new Date(state.loadedAt));
  for (const input of inputs) await ingest(ctx, input);
  return inputs.length;
}

async function insertDemoData(ctx: Ctx, now: Date, timeZone: string): Promise<DemoDataState> {
  const db = ctx.db;

  // Places keep their codes; if an administrator already created one with the same code, reuse it.
  await db
    .insert(streets)
    .values({ code: DEMO_STREET.code, name: DEMO_STREET.name, createdAt: now })
    .onConflictDoNothing({ target: streets.code });
  const [street] = await db
    .select({ id: streets.id })
    .from(streets)
    .where(eq(streets.code, DEMO_STREET.code));
  if (!street) throw new Error('demo street was not stored');

  await db
    .insert(communities)
    .values(
      DEMO_COMMUNITIES.map((c) => ({
        streetId: street.id,
        code: c.code,
        name: c.name,
        profile: c.profile,
        createdAt: now,
      })),
    )
    .onConflictDoNothing({ target: communities.code });
  const communityRows = await db
    .select({ id: communities.id, code: communities.code })
    .from(communities)
    .where(
      inArray(
        communities.code,
        DEMO_COMMUNITIES.map((c) => c.code),
      ),
    );
  const communityId = new Map(communityRows.map((c) => [c.code, c.id]));

  const gridValues = DEMO_COMMUNITIES.flatMap((c) =>
    c.grids.map((g) => ({
      communityId: communityId.get(c.code) as string,
      code: g.code,
      name: g.name,
      createdAt: now,
    })),
  );
  await db.insert(grids).values(gridValues).onConflictDoNothing({ target: grids.code });
  const gridRows = await db
    .select({ id: grids.id, code: grids.code })
    .from(grids)
    .where(
      inArray(
        grids.code,
        gridValues.map((g) => g.code),
      ),
    );
  const gridId = new Map(gridRows.map((g) => [g.code, g.id]));

  const people = buildDemoResidents();
  const stored = await db
    .insert(residents)
    .values(
      people.map((p) => ({
        name: p.name,
        phoneCipher: p.phone ? ctx.pii.encryptPhone(p.phone) : null,
        phoneHash: p.phone ? ctx.pii.phoneHash(p.phone) : null,
        communityId: communityId.get(p.communityCode) ?? null,
        gridId: gridId.get(p.gridCode) ?? null,
        groups: p.groups,
        accessibilityNeeds: p.accessibilityNeeds,
        preferredLocale: p.preferredLocale,
        preferredChannel: p.preferredChannel,
        quietStartMinute: p.quietStartMinute,
        quietEndMinute: p.quietEndMinute,
        timeZone,
        slowSpeech: p.slowSpeech,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .returning({ id: residents.id });

  const optOutValues = people.flatMap((p, i) =>
    p.optOuts.map((o) => ({
      residentId: (stored[i] as { id: string }).id,
      channel: o.channel,
      optedOut: true,
      changedAt: new Date(now.getTime() - o.daysAgo * 86_400_000),
      reason: o.reason,
    })),
  );
  if (optOutValues.length > 0) await db.insert(residentOptOuts).values(optOutValues);

  let transitionCount = 0;
  const topicCodes: Record<string, string> = {};
  for (const spec of DEMO_TOPICS) {
    const dates = scheduleDemoTopic(spec.plan, now, timeZone);
    const lastChange = dates.transitions.at(-1)?.at ?? dates.createdAt;
    const [topic] = await db
      .insert(topics)
      .values({
        title: spec.title,
        summary: spec.summary,
        source: spec.source,
        status: dates.status,
        communityId: communityId.get(spec.communityCode) ?? null,
        rejectReason: dates.rejectReason,
        createdAt: dates.createdAt,
        screenedAt: dates.screenedAt,
        publishedAt: dates.publishedAt,
        publicationEndsOn: dates.publicationEndsOn,
        deliberationEarliestOn: dates.deliberationEarliestOn,
        deliberatedAt: dates.deliberatedAt,
        resultDueOn: dates.resultDueOn,
        resultPublishedAt: dates.resultPublishedAt,
        implementingAt: dates.implementingAt,
        evaluatingAt: dates.evaluatingAt,
        closedAt: dates.closedAt,
        rejectedAt: dates.rejectedAt,
        updatedAt: lastChange,
      })
      .returning({ id: topics.id, code: topics.code });
    if (!topic) throw new Error('demo topic was not stored');
    topicCodes[spec.key] = topic.code;
    if (dates.transitions.length > 0) {
      await db.insert(topicTransitions).values(
        dates.transitions.map((t) => ({
          topicId: topic.id,
          fromStatus: t.from,
          toStatus: t.to,
          at: t.at,
          actor: DEMO_ACTOR,
          note: t.note,
        })),
      );
      transitionCount += dates.transitions.length;
    }
  }

  return {
    loadedAt: now.toISOString(),
    timeZone,
    streets: 1,
    communities: DEMO_COMMUNITIES.length,
    grids: gridValues.length,
    residents: stored.length,
    optOuts: optOutValues.length,
    topics: DEMO_TOPICS.length,
    topicTransitions: transitionCount,
    topicCodes,
    intakes: null,
  };
}
