/**
 * Participation balance on a skewed fixture, like the plan's elderly-canteen case. The community has
 * 1,000 residents: 300 elderly (30%), 50 disabled (5%), 100 migrant workers (10%). Ten residents on
 * record have been heard on the canteen topic, only one of them elderly (10% < 30%: under-heard) and
 * two of them migrant workers (20% ≥ 10%: heard in proportion), plus one anonymous kiosk opinion.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../core/context.ts';
import { auditLog, campaigns, communities, deliveries, proxyVisitList } from '../db/schema.ts';
import { getI18n } from '../i18n/i18n.ts';
import { as, contribute, insertStaff, topicWithResult } from '../lists/lists-test-kit.ts';
import { insertResidents, newPlace } from '../outreach/outreach-test-kit.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { getParticipationBalance } from './get-participation-balance.ts';
import { listParticipationBalance } from './list-participation-balance.ts';
import { type ReachEnv, reachUnderHeardGroup } from './reach-under-heard-group.ts';
import { setAffectedGroups } from './set-affected-groups.ts';
import { representation } from './under-heard.ts';

let database: TestDatabase;
let ctx: ReturnType<typeof createTestCtx>;
let secretary: Ctx['actor'];
let supervisor: Ctx['actor'];
let otherSecretary: Ctx['actor'];
let topicId: string;
let communityId: string;
const env: ReachEnv = { i18n: getI18n(), defaultLocale: 'zh-CN', senders: {} };
let unheardElderly: string[];

describe('the under-heard rule', () => {
  it('is parity: below the community share is under-heard, at or above it is not', () => {
    expect(representation({ group: 23, participants: 100 }, { group: 28, total: 100 })).toMatchObject({
      underHeard: true,
      heardShare: 0.23,
      communityShare: 0.28,
    });
    expect(representation({ group: 28, participants: 100 }, { group: 28, total: 100 }).underHeard).toBe(
      false,
    );
    expect(representation({ group: 0, participants: 0 }, { group: 5, total: 100 })).toMatchObject({
      underHeard: true,
      heardShare: 0,
    });
    expect(representation({ group: 3, participants: 10 }, { group: undefined, total: 100 })).toMatchObject({
      underHeard: null,
      communityShare: null,
    });
    expect(representation({ group: 3, participants: 10 }, { group: 5, total: 0 }).underHeard).toBeNull();
  });
});

beforeAll(async () => {
  database = await createTestDatabase();
  ctx = createTestCtx(database.db, { now: '2026-09-01T02:00:00Z' });
  const { community } = await newPlace(database.db);
  communityId = community.id;
  await database.db
    .update(communities)
    .set({ profile: { total: 1000, elderly: 300, disabled: 50, migrant_worker: 100 } })
    .where(eq(communities.id, communityId));
  secretary = await insertStaff(database.db, ['community_secretary'], { communityIds: [communityId] });
  otherSecretary = await insertStaff(database.db, ['community_secretary'], {
    communityIds: [(await newPlace(database.db)).community.id],
  });
  supervisor = await insertStaff(database.db, ['supervisor']);
  const topic = await topicWithResult(as(ctx, secretary), communityId);
  topicId = topic.id;

  const heard = await insertResidents(ctx, [
    { communityId, groups: ['elderly'] },
    { communityId, groups: ['migrant_worker'] },
    { communityId, groups: ['migrant_worker', 'disabled'] },
    ...Array.from({ length: 7 }, () => ({ communityId })),
  ]);
  const channels = ['sms', 'voice', 'kiosk', 'web', 'sms', 'sms', 'web', 'proxy', 'sms', 'voice'] as const;
  for (const [i, residentId] of heard.entries()) {
    await contribute(database.db, { residentId, topicId, how: 'opinion', channel: channels[i] });
  }
  // The elderly resident also voted; an anonymous resident gave an opinion at a kiosk.
  await contribute(database.db, { residentId: heard[0] ?? null, topicId, how: 'vote', channel: 'sms' });
  await contribute(database.db, { residentId: null, topicId, how: 'opinion', channel: 'kiosk' });

  // Elderly residents not yet heard: one without a phone, one who prefers visits, one who cannot read,
  // two ordinary ones; and an elderly resident of another community.
  unheardElderly = await insertResidents(ctx, [
    { communityId, groups: ['elderly'], createdAt: new Date('2026-01-01T00:00:00Z') },
    { communityId, groups: ['elderly'], phone: false },
    { communityId, groups: ['elderly'], preferredChannel: 'visit' },
    { communityId, groups: ['elderly'], accessibilityNeeds: ['cannot_read'] },
    { communityId, groups: ['elderly'], createdAt: new Date('2026-02-01T00:00:00Z') },
  ]);
  await insertResidents(ctx, [
    { groups: ['elderly'], communityId: (await newPlace(database.db)).community.id },
  ]);
});

afterAll(async () => {
  await database?.close();
});

describe('who has been heard', () => {
  it('counts participants by group and channel against the community, without alerts until groups are marked', async () => {
    const b = await getParticipationBalance(as(ctx, supervisor), { topicId });
    expect(b.heard).toMatchObject({ participants: 10, contributions: 12, anonymousContributions: 1 });
    expect(b.heard.byKind).toMatchObject({
      opinion: 11,
      vote: 1,
      survey_answer: 0,
      demand: 0,
      attendance: 0,
    });
    expect(b.heard.byChannel).toEqual([
      { channel: 'kiosk', contributions: 2, participants: 1, anonymous: 1 },
      { channel: 'proxy', contributions: 1, participants: 1, anonymous: 0 },
      { channel: 'sms', contributions: 5, participants: 4, anonymous: 0 },
      { channel: 'voice', contributions: 2, participants: 2, anonymous: 0 },
      { channel: 'web', contributions: 2, participants: 2, anonymous: 0 },
    ]);
    const byGroup = Object.fromEntries(b.groups.map((g) => [g.group, g]));
    expect(byGroup.elderly).toMatchObject({
      heard: 1,
      heardShare: 0.1,
      communityShare: 0.3,
      underHeard: true,
      affected: false,
    });
    expect(byGroup.migrant_worker).toMatchObject({
      heard: 2,
      heardShare: 0.2,
      communityShare: 0.1,
      underHeard: false,
    });
    expect(byGroup.disabled).toMatchObject({
      heard: 1,
      heardShare: 0.1,
      communityShare: 0.05,
      underHeard: false,
    });
    expect(byGroup.professional).toMatchObject({ heard: 0, communityShare: null, underHeard: null });
    expect(b.alerts).toEqual([]);
    expect(b.baseline).toMatchObject({ scope: 'community', profile: { total: 1000 } });
  });

  it('alerts on an affected group that is under-heard, and only on that', async () => {
    await setAffectedGroups(as(ctx, secretary), { topicId, groups: ['elderly', 'migrant_worker'] });
    const b = await getParticipationBalance(as(ctx, supervisor), { topicId });
    expect(b.alerts).toEqual(['elderly']);
    const overview = await listParticipationBalance(as(ctx, supervisor));
    expect(overview[0]?.topic.id).toBe(topicId);
    expect(overview[0]?.alerts).toEqual(['elderly']);
  });

  it('keeps the affected groups as last chosen, audited once per change', async () => {
    expect(
      (await setAffectedGroups(as(ctx, secretary), { topicId, groups: ['elderly', 'migrant_worker'] }))
        .changed,
    ).toBe(false);
    await setAffectedGroups(as(ctx, secretary), { topicId, groups: ['elderly'] });
    const b = await getParticipationBalance(as(ctx, supervisor), { topicId });
    expect(b.groups.filter((g) => g.affected).map((g) => g.group)).toEqual(['elderly']);
    const entries = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'participation.affected_groups'));
    expect(entries.map((e) => e.data)).toEqual([
      expect.objectContaining({ added: ['elderly', 'migrant_worker'], removed: [] }),
      expect.objectContaining({ added: [], removed: ['migrant_worker'] }),
    ]);
  });
});

describe('reaching an under-heard group', () => {
  it('puts the unheard elderly on the visit list, hardest to reach first', async () => {
    ctx.clock.advance(60_000);
    const result = await reachUnderHeardGroup(
      as(ctx, secretary),
      { topicId, group: 'elderly', action: 'visit_list', visits: '3' },
      env,
    );
    expect(result).toEqual({ action: 'visit_list', residents: 3, created: true });
    const listed = await database.db.select().from(proxyVisitList).where(eq(proxyVisitList.topicId, topicId));
    expect(listed.map((v) => v.residentId).sort()).toEqual(
      [unheardElderly[1], unheardElderly[2], unheardElderly[3]].sort(),
    );
    expect(listed.every((v) => v.reason === 'under_heard' && v.communityId === communityId)).toBe(true);

    // A second round adds the others, never anyone already listed or heard, nor another community's.
    ctx.clock.advance(60_000);
    const more = await reachUnderHeardGroup(
      as(ctx, secretary),
      { topicId, group: 'elderly', action: 'visit_list', visits: 10 },
      env,
    );
    expect(more.residents).toBe(2);
    await expect(
      reachUnderHeardGroup(as(ctx, secretary), { topicId, group: 'elderly', action: 'visit_list' }, env),
    ).rejects.toMatchObject({ code: 'conflict', messageKey: 'lists:errors.nobodyToReach' });
  });

  it('starts one call campaign to the group in the community, planned at once', async () => {
    ctx.clock.advance(60_000);
    const result = await reachUnderHeardGroup(
      as(ctx, secretary),
      { topicId, group: 'elderly', action: 'voice_campaign' },
      env,
    );
    expect(result).toMatchObject({ action: 'voice_campaign', created: true, residents: 6 });
    const [campaign] = await database.db
      .select()
      .from(campaigns)
      .where(eq(campaigns.trigger, `balance:${topicId}:elderly`));
    expect(campaign).toMatchObject({
      kind: 'notice',
      topicId,
      audience: { groups: ['elderly'], communityIds: [communityId] },
    });
    expect(campaign?.templates['zh-CN']).toMatch(/^议题T\d+《老旧小区加装电梯》正在征求意见/);
    const planned = await database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.campaignId, campaign?.id ?? ''));
    // Six elderly residents in the community. No sender is configured here, so the one without a phone,
    // the one preferring visits and the one who cannot read (no voice sender) are routed to a visit.
    expect(planned).toHaveLength(6);
    expect(planned.filter((d) => d.status === 'routed_to_visit')).toHaveLength(3);
    expect(planned.filter((d) => d.status === 'held_no_credentials')).toHaveLength(3);

    const again = await reachUnderHeardGroup(
      as(ctx, secretary),
      { topicId, group: 'elderly', action: 'voice_campaign' },
      env,
    );
    expect(again).toEqual({
      action: 'voice_campaign',
      residents: 0,
      campaignCode: campaign?.code,
      created: false,
    });
    const b = await getParticipationBalance(as(ctx, supervisor), { topicId });
    expect(b.outreach.map((o) => [o.group, o.action, o.residents])).toEqual([
      ['elderly', 'visit_list', 3],
      ['elderly', 'visit_list', 2],
      ['elderly', 'voice_campaign', 6],
    ]);
  });

  it('refuses groups that are not affected or no longer under-heard, bad counts, and other communities’ secretaries', async () => {
    await expect(
      reachUnderHeardGroup(as(ctx, secretary), { topicId, group: 'disabled', action: 'visit_list' }, env),
    ).rejects.toMatchObject({ code: 'conflict', messageKey: 'lists:errors.groupNotAffected' });
    await expect(
      reachUnderHeardGroup(
        as(ctx, secretary),
        { topicId, group: 'elderly', action: 'visit_list', visits: '0' },
        env,
      ),
    ).rejects.toMatchObject({ fields: [{ field: 'visits', key: 'lists:validation.visits' }] });
    await expect(
      reachUnderHeardGroup(as(ctx, otherSecretary), { topicId, group: 'elderly', action: 'visit_list' }, env),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      reachUnderHeardGroup(as(ctx, supervisor), { topicId, group: 'elderly', action: 'visit_list' }, env),
    ).rejects.toMatchObject({ code: 'forbidden' });

    // Two more elderly residents speak up: 3 of 12 heard is 25%, still under 30%; two more make 5 of 14 (36%).
    for (const residentId of unheardElderly.slice(0, 4)) {
      await contribute(database.db, { residentId, topicId, how: 'opinion', channel: 'proxy' });
    }
    const b = await getParticipationBalance(as(ctx, supervisor), { topicId });
    expect(b.groups.find((g) => g.group === 'elderly')).toMatchObject({ heard: 5, underHeard: false });
    expect(b.alerts).toEqual([]);
    await expect(
      reachUnderHeardGroup(as(ctx, secretary), { topicId, group: 'elderly', action: 'visit_list' }, env),
    ).rejects.toMatchObject({ code: 'conflict', messageKey: 'lists:errors.groupNotUnderHeard' });
  });
});
