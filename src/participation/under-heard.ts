/**
 * The under-heard rule (ADR 0011). For a group a topic affects:
 *
 *   community share  = the group's headcount / the community's total headcount (communities.profile)
 *   heard share      = distinct identified participants in the group / all distinct identified participants
 *   under-heard      ⇔ heard share < community share
 *
 * i.e. an affected group is under-heard when it is heard less than in proportion to its place in the
 * community — parity, not half of it: an elderly canteen discussed by a room that is 23% elderly, in a
 * community that is 28% elderly, is exactly the failure the plan warns of. With nobody heard yet every
 * affected group is under-heard (heard share 0). Without a headcount for the group (or the total)
 * there is no baseline and the rule gives no verdict.
 */

export interface Representation {
  /** Group headcount / community total; null without a baseline. */
  communityShare: number | null;
  /** Group participants / all identified participants; 0 when nobody has been heard. */
  heardShare: number;
  /** heardShare / communityShare: 1 is parity; null without a baseline. */
  ratio: number | null;
  /** null without a baseline. */
  underHeard: boolean | null;
}

export function representation(
  heard: { group: number; participants: number },
  community: { group: number | undefined; total: number | undefined },
): Representation {
  const heardShare = heard.participants > 0 ? heard.group / heard.participants : 0;
  if (!community.total || community.total <= 0 || community.group === undefined || community.group <= 0) {
    return { communityShare: null, heardShare, ratio: null, underHeard: null };
  }
  const communityShare = community.group / community.total;
  return {
    communityShare,
    heardShare,
    ratio: heardShare / communityShare,
    underHeard: heardShare < communityShare,
  };
}
