/**
 * Loading and judging participation balance for one or many topics: what was heard, against which
 * baseline, which groups the topic affects and what was done to reach them.
 */
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/database.ts';
import {
  campaigns,
  communities,
  type LocalizedText,
  participationOutreach,
  RESIDENT_GROUPS,
  type ReachAction,
  type ResidentGroup,
  type TopicStatus,
  topicAffectedGroups,
  topics,
} from '../db/schema.ts';
import { anyUuid } from '../lists/any-uuid.ts';
import { countHeard, type HeardCounts } from './contributions.ts';
import { type Representation, representation } from './under-heard.ts';

export type Profile = Partial<Record<ResidentGroup | 'total', number>>;

export interface Baseline {
  /** The topic's community, or — for a topic of no one community — all communities together. */
  scope: 'community' | 'all_communities';
  communityName: LocalizedText | null;
  profile: Profile;
}

export interface GroupBalance extends Representation {
  group: ResidentGroup;
  affected: boolean;
  communityCount: number | null;
  heard: number;
}

export interface OutreachTaken {
  id: string;
  group: ResidentGroup;
  action: ReachAction;
  residents: number;
  campaignCode: string | null;
  takenAt: Date;
}

export interface TopicBalance {
  topic: { id: string; code: string; title: LocalizedText; status: TopicStatus; communityId: string | null };
  baseline: Baseline;
  heard: HeardCounts;
  groups: GroupBalance[];
  /** Affected groups that are under-heard. */
  alerts: ResidentGroup[];
  outreach: OutreachTaken[];
}

function sumProfiles(profiles: readonly Profile[]): Profile {
  const out: Profile = {};
  for (const p of profiles) {
    for (const [key, value] of Object.entries(p) as [keyof Profile, number | undefined][]) {
      if (typeof value === 'number') out[key] = (out[key] ?? 0) + value;
    }
  }
  return out;
}

/** Judges each group of a topic against its baseline (pure). */
export function judgeGroups(
  heard: HeardCounts,
  baseline: Baseline,
  affected: ReadonlySet<ResidentGroup>,
): GroupBalance[] {
  return RESIDENT_GROUPS.map((group) => {
    const communityCount = baseline.profile[group] ?? null;
    return {
      group,
      affected: affected.has(group),
      communityCount,
      heard: heard.byGroup[group],
      ...representation(
        { group: heard.byGroup[group], participants: heard.participants },
        { group: communityCount ?? undefined, total: baseline.profile.total },
      ),
    };
  });
}

/** Balance of each topic named, in the order given; topics that do not exist are left out. */
export async function assessBalance(db: DbOrTx, topicIds: readonly string[]): Promise<TopicBalance[]> {
  if (topicIds.length === 0) return [];
  const found = await db
    .select({
      id: topics.id,
      code: topics.code,
      title: topics.title,
      status: topics.status,
      communityId: topics.communityId,
    })
    .from(topics)
    .where(anyUuid(topics.id, topicIds));
  const allCommunities = await db
    .select({ id: communities.id, name: communities.name, profile: communities.profile })
    .from(communities);
  const street: Baseline = {
    scope: 'all_communities',
    communityName: null,
    profile: sumProfiles(allCommunities.map((c) => c.profile)),
  };
  const heard = await countHeard(
    db,
    found.map((t) => t.id),
  );
  const affectedRows = await db
    .select({ topicId: topicAffectedGroups.topicId, group: topicAffectedGroups.group })
    .from(topicAffectedGroups)
    .where(
      anyUuid(
        topicAffectedGroups.topicId,
        found.map((t) => t.id),
      ),
    );
  const outreachRows = await db
    .select({
      id: participationOutreach.id,
      topicId: participationOutreach.topicId,
      group: participationOutreach.group,
      action: participationOutreach.action,
      residents: participationOutreach.residents,
      campaignCode: campaigns.code,
      takenAt: participationOutreach.takenAt,
    })
    .from(participationOutreach)
    .leftJoin(campaigns, eq(campaigns.id, participationOutreach.campaignId))
    .where(
      anyUuid(
        participationOutreach.topicId,
        found.map((t) => t.id),
      ),
    )
    .orderBy(asc(participationOutreach.takenAt));

  const byId = new Map(found.map((t) => [t.id, t]));
  return topicIds.flatMap((id) => {
    const topic = byId.get(id);
    const counts = heard.get(id);
    if (!topic || !counts) return [];
    const community = allCommunities.find((c) => c.id === topic.communityId);
    const baseline: Baseline = community
      ? { scope: 'community', communityName: community.name, profile: community.profile }
      : street;
    const affected = new Set(affectedRows.filter((r) => r.topicId === id).map((r) => r.group));
    const groups = judgeGroups(counts, baseline, affected);
    return [
      {
        topic,
        baseline,
        heard: counts,
        groups,
        alerts: groups.filter((g) => g.affected && g.underHeard === true).map((g) => g.group),
        outreach: outreachRows.filter((r) => r.topicId === id).map(({ topicId: _topicId, ...r }) => r),
      },
    ];
  });
}
