/**
 * Who has been heard on a topic: every opinion, vote, survey answer and demand linked to it, and
 * every resident who attended one of its meetings (in person, remotely or through a proxy), as one SQL
 * relation `(topic_id, resident_id, channel, kind)`. `resident_id` is null for anonymous input (a kiosk
 * used without a phone number, a resident attending without being on record), which counts as a
 * contribution but not as a participant. Conveners and department representatives are not counted:
 * they run and answer the meeting.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/database.ts';
import {
  type Channel,
  demands,
  meetingParticipants,
  meetings,
  opinions,
  RESIDENT_GROUPS,
  type ResidentGroup,
  residents,
  surveyAnswers,
  votes,
} from '../db/schema.ts';

export const CONTRIBUTION_KINDS = ['opinion', 'vote', 'survey_answer', 'demand', 'attendance'] as const;
export type ContributionKind = (typeof CONTRIBUTION_KINDS)[number];

/** The channels input arrives on, and `meeting` for attendance at a deliberation meeting. */
export type ContributionChannel = Channel | 'meeting';

function topicFilter(column: SQL, topicIds: readonly string[]): SQL {
  return sql`${column} = any(${sql.param(topicIds)}::uuid[])`;
}

/** The contributions to these topics as a subquery. */
export function contributionsOf(topicIds: readonly string[]): SQL {
  return sql`(
    select ${opinions.topicId} as topic_id, ${opinions.residentId} as resident_id, ${opinions.channel} as channel, 'opinion' as kind
      from ${opinions} where ${topicFilter(sql`${opinions.topicId}`, topicIds)}
    union all
    select ${votes.topicId}, ${votes.residentId}, ${votes.channel}, 'vote'
      from ${votes} where ${topicFilter(sql`${votes.topicId}`, topicIds)}
    union all
    select ${surveyAnswers.topicId}, ${surveyAnswers.residentId}, ${surveyAnswers.channel}, 'survey_answer'
      from ${surveyAnswers} where ${topicFilter(sql`${surveyAnswers.topicId}`, topicIds)}
    union all
    select ${demands.topicId}, ${demands.residentId}, ${demands.channel}, 'demand'
      from ${demands} where ${topicFilter(sql`${demands.topicId}`, topicIds)}
    union all
    select ${meetings.topicId}, ${meetingParticipants.residentId}, 'meeting', 'attendance'
      from ${meetingParticipants} join ${meetings} on ${meetings.id} = ${meetingParticipants.meetingId}
      where ${topicFilter(sql`${meetings.topicId}`, topicIds)}
        and ${meetingParticipants.attendance} in ('in_person', 'remote', 'proxied')
        and ${meetingParticipants.participantGroup} not in ('convener', 'department')
  )`;
}

export interface HeardCounts {
  topicId: string;
  /** Distinct identified residents who contributed. */
  participants: number;
  /** Contributions without a known resident. */
  anonymousContributions: number;
  contributions: number;
  /** Distinct participants per group (a resident in two groups counts in both). */
  byGroup: Record<ResidentGroup, number>;
  byChannel: {
    channel: ContributionChannel;
    contributions: number;
    participants: number;
    anonymous: number;
  }[];
  byKind: Record<ContributionKind, number>;
}

function emptyGroups(): Record<ResidentGroup, number> {
  return Object.fromEntries(RESIDENT_GROUPS.map((g) => [g, 0])) as Record<ResidentGroup, number>;
}

function emptyKinds(): Record<ContributionKind, number> {
  return Object.fromEntries(CONTRIBUTION_KINDS.map((k) => [k, 0])) as Record<ContributionKind, number>;
}

/** Counts of who was heard, per topic, in four aggregate queries whatever the number of topics. */
export async function countHeard(db: DbOrTx, topicIds: readonly string[]): Promise<Map<string, HeardCounts>> {
  const out = new Map<string, HeardCounts>();
  if (topicIds.length === 0) return out;
  for (const topicId of topicIds) {
    out.set(topicId, {
      topicId,
      participants: 0,
      anonymousContributions: 0,
      contributions: 0,
      byGroup: emptyGroups(),
      byChannel: [],
      byKind: emptyKinds(),
    });
  }
  // One statement, one pass over the sources: the union is materialised once and counted four ways.
  const result = (await db.execute(sql`
    with c as materialized (select * from ${contributionsOf(topicIds)} as u),
    totals as (
      select topic_id::text as topic_id, 'total'::text as dim, ''::text as key, count(distinct resident_id)::int as participants,
        (count(*) filter (where resident_id is null))::int as anonymous, count(*)::int as contributions
      from c group by topic_id
    ),
    by_group as (
      select c.topic_id::text, 'group'::text, g.grp::text, count(distinct c.resident_id)::int, 0, 0
      from c join ${residents} as r on r.id = c.resident_id cross join lateral unnest(r.groups) as g(grp)
      group by c.topic_id, g.grp
    ),
    by_channel as (
      select topic_id::text, 'channel'::text, channel::text, count(distinct resident_id)::int,
        (count(*) filter (where resident_id is null))::int, count(*)::int
      from c group by topic_id, channel
    ),
    by_kind as (
      select topic_id::text, 'kind'::text, kind::text, 0, 0, count(*)::int from c group by topic_id, kind
    )
    select topic_id, dim, key, participants, anonymous, contributions from totals
    union all select * from by_group union all select * from by_channel union all select * from by_kind
    order by 1, 2, 3`)) as unknown as {
    rows: {
      topic_id: string;
      dim: string;
      key: string;
      participants: number;
      anonymous: number;
      contributions: number;
    }[];
  };
  for (const r of result.rows) {
    const h = out.get(r.topic_id);
    if (!h) continue;
    const participants = Number(r.participants);
    const anonymous = Number(r.anonymous);
    const contributions = Number(r.contributions);
    switch (r.dim) {
      case 'total':
        h.participants = participants;
        h.anonymousContributions = anonymous;
        h.contributions = contributions;
        break;
      case 'group':
        if ((RESIDENT_GROUPS as readonly string[]).includes(r.key))
          h.byGroup[r.key as ResidentGroup] = participants;
        break;
      case 'channel':
        h.byChannel.push({ channel: r.key as ContributionChannel, contributions, participants, anonymous });
        break;
      case 'kind':
        if (r.key in h.byKind) h.byKind[r.key as ContributionKind] = contributions;
        break;
    }
  }
  return out;
}
