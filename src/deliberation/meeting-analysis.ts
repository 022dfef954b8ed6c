/**
 * What a meeting's record says at a glance: the "1 + X" panel against the plan's target shares,
 * attendance by group and way of taking part, how evenly people spoke, and whether the record is
 * complete. Pure functions over rows already loaded.
 */
import {
  ATTENDANCE_MODES,
  type AttendanceMode,
  type MeetingStatus,
  PARTICIPANT_GROUPS,
  type ParticipantGroup,
} from '../db/schema.ts';

/** The X of "1 + X" and the plan's target share of each group among them. */
export const PANEL_TARGETS = {
  resident: 0.5,
  professional: 0.2,
  social_org: 0.15,
  enterprise: 0.1,
  special_group: 0.05,
} as const satisfies Partial<Record<ParticipantGroup, number>>;
export type PanelGroup = keyof typeof PANEL_TARGETS;
export const PANEL_GROUPS = Object.keys(PANEL_TARGETS) as PanelGroup[];

/** Groups a panel member may belong to: the convener (the "1") and the X groups. */
export const PANEL_MEMBER_GROUPS: readonly ParticipantGroup[] = ['convener', ...PANEL_GROUPS];

export interface ParticipantFacts {
  id: string;
  name: string;
  participantGroup: ParticipantGroup;
  panelMember: boolean;
  attendance: AttendanceMode | null;
}

export interface PanelComposition {
  conveners: number;
  /** X: panel members other than the convener. */
  members: number;
  groups: {
    group: PanelGroup;
    count: number;
    /** Share of X (null when X is 0). */
    share: number | null;
    target: number;
    /** Members this group still needs to reach its target share of the present X (0 when met). */
    short: number;
  }[];
  /** Exactly one convener and every group at or above its target share. */
  balanced: boolean;
}

export function panelComposition(participants: readonly ParticipantFacts[]): PanelComposition {
  const panel = participants.filter((p) => p.panelMember);
  const conveners = panel.filter((p) => p.participantGroup === 'convener').length;
  const members = panel.length - conveners;
  const groups = PANEL_GROUPS.map((group) => {
    const count = panel.filter((p) => p.participantGroup === group).length;
    const target = PANEL_TARGETS[group];
    return {
      group,
      count,
      share: members === 0 ? null : count / members,
      target,
      short: Math.max(0, Math.ceil(target * members - 1e-9) - count),
    };
  });
  return {
    conveners,
    members,
    groups,
    balanced: conveners === 1 && members > 0 && groups.every((g) => g.short === 0),
  };
}

export type AttendanceCounts = Record<AttendanceMode | 'unrecorded', number>;

export interface AttendanceByGroup {
  groups: { group: ParticipantGroup; counts: AttendanceCounts; tookPart: number }[];
  totals: AttendanceCounts;
  /** In person, remotely or through a proxy. */
  tookPart: number;
}

const TOOK_PART: readonly AttendanceMode[] = ['in_person', 'remote', 'proxied'];

export function tookPart(attendance: AttendanceMode | null): boolean {
  return attendance !== null && TOOK_PART.includes(attendance);
}

function emptyCounts(): AttendanceCounts {
  return { in_person: 0, remote: 0, proxied: 0, absent: 0, unrecorded: 0 };
}

export function attendanceByGroup(participants: readonly ParticipantFacts[]): AttendanceByGroup {
  const totals = emptyCounts();
  const groups = PARTICIPANT_GROUPS.map((group) => {
    const counts = emptyCounts();
    for (const p of participants.filter((x) => x.participantGroup === group)) {
      counts[p.attendance ?? 'unrecorded'] += 1;
      totals[p.attendance ?? 'unrecorded'] += 1;
    }
    return { group, counts, tookPart: counts.in_person + counts.remote + counts.proxied };
  }).filter((g) => ATTENDANCE_MODES.some((m) => g.counts[m] > 0) || g.counts.unrecorded > 0);
  return { groups, totals, tookPart: totals.in_person + totals.remote + totals.proxied };
}

export interface SpeakingBalance {
  speakers: { participantId: string; name: string; seconds: number; share: number | null }[];
  totalSeconds: number;
  /** 0 = everyone spoke equally long, towards 1 = one person did all the talking. Null before anyone spoke. */
  gini: number | null;
  /** The largest single share of speaking time. */
  maxShare: number | null;
  /** People in the room or online who have not spoken. */
  silent: number;
}

/** Gini coefficient of non-negative amounts (mean absolute difference over twice the mean). */
export function gini(values: readonly number[]): number | null {
  const n = values.length;
  const total = values.reduce((a, b) => a + b, 0);
  if (n === 0 || total === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  // Σ (2i − n − 1) x_i over the sorted values equals half the sum of all pairwise differences.
  let weighted = 0;
  sorted.forEach((x, i) => {
    weighted += (2 * (i + 1) - n - 1) * x;
  });
  return weighted / (n * total);
}

/**
 * Speaking time per person among those who could speak (in the room or online) plus anyone else who
 * spoke, and how unevenly it was spread.
 */
export function speakingBalance(
  participants: readonly ParticipantFacts[],
  turns: readonly { participantId: string; seconds: number }[],
): SpeakingBalance {
  const seconds = new Map<string, number>();
  for (const t of turns) seconds.set(t.participantId, (seconds.get(t.participantId) ?? 0) + t.seconds);
  const counted = participants.filter(
    (p) => p.attendance === 'in_person' || p.attendance === 'remote' || seconds.has(p.id),
  );
  const totalSeconds = counted.reduce((sum, p) => sum + (seconds.get(p.id) ?? 0), 0);
  const speakers = counted
    .map((p) => {
      const s = seconds.get(p.id) ?? 0;
      return {
        participantId: p.id,
        name: p.name,
        seconds: s,
        share: totalSeconds === 0 ? null : s / totalSeconds,
      };
    })
    .sort((a, b) => b.seconds - a.seconds || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const g = gini(counted.map((p) => seconds.get(p.id) ?? 0));
  return {
    speakers,
    totalSeconds,
    gini: g === null ? null : Math.round(g * 1000) / 1000,
    maxShare: totalSeconds === 0 ? null : Math.max(...speakers.map((s) => s.share ?? 0)),
    silent: speakers.filter((s) => s.seconds === 0).length,
  };
}

export const RECORD_PARTS = ['closed', 'attendance', 'minutes', 'vote'] as const;
export type RecordPart = (typeof RECORD_PARTS)[number];

/**
 * A meeting's record is complete (plan target: 95% of deliberations) when the meeting is closed, the
 * attendance of everyone listed is recorded (by group, with at least one person taking part), the
 * minutes say what was discussed and decided, and at least one vote was closed with ballots by name.
 */
export function recordCompleteness(facts: {
  status: MeetingStatus;
  participants: readonly ParticipantFacts[];
  hasMinutes: boolean;
  closedVotesWithBallots: number;
}): { complete: boolean; missing: RecordPart[] } {
  const missing: RecordPart[] = [];
  if (facts.status !== 'closed') missing.push('closed');
  if (
    facts.participants.length === 0 ||
    facts.participants.some((p) => p.attendance === null) ||
    !facts.participants.some((p) => tookPart(p.attendance))
  ) {
    missing.push('attendance');
  }
  if (!facts.hasMinutes) missing.push('minutes');
  if (facts.closedVotesWithBallots === 0) missing.push('vote');
  return { complete: missing.length === 0, missing };
}
