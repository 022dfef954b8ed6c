import { describe, expect, it } from 'vitest';
import type { AttendanceMode, ParticipantGroup } from '../db/schema.ts';
import {
  attendanceByGroup,
  gini,
  type ParticipantFacts,
  panelComposition,
  recordCompleteness,
  speakingBalance,
} from './meeting-analysis.ts';

let n = 0;
function person(
  group: ParticipantGroup,
  attendance: AttendanceMode | null = 'in_person',
  panelMember = true,
): ParticipantFacts {
  n += 1;
  return { id: `p${n}`, name: `P${n}`, participantGroup: group, panelMember, attendance };
}

describe('panelComposition', () => {
  it('compares the X members with the 1 + X target shares and says how many each group lacks', () => {
    // 1 convener + X = 10: residents 6, professionals 1, social organisations 2, enterprises 1, special groups 0.
    const panel = [
      person('convener'),
      ...Array.from({ length: 6 }, () => person('resident')),
      person('professional'),
      person('social_org'),
      person('social_org'),
      person('enterprise'),
      person('department', 'in_person', false),
    ];
    const c = panelComposition(panel);
    expect(c.conveners).toBe(1);
    expect(c.members).toBe(10);
    expect(c.groups).toEqual([
      { group: 'resident', count: 6, share: 0.6, target: 0.5, short: 0 },
      { group: 'professional', count: 1, share: 0.1, target: 0.2, short: 1 },
      { group: 'social_org', count: 2, share: 0.2, target: 0.15, short: 0 },
      { group: 'enterprise', count: 1, share: 0.1, target: 0.1, short: 0 },
      { group: 'special_group', count: 0, share: 0, target: 0.05, short: 1 },
    ]);
    expect(c.balanced).toBe(false);
  });

  it('is balanced with one convener and every group at its target', () => {
    const panel = [
      person('convener'),
      ...Array.from({ length: 10 }, () => person('resident')),
      ...Array.from({ length: 4 }, () => person('professional')),
      ...Array.from({ length: 3 }, () => person('social_org')),
      ...Array.from({ length: 2 }, () => person('enterprise')),
      person('special_group'),
    ];
    expect(panelComposition(panel).balanced).toBe(true);
    expect(panelComposition(panel.slice(1)).balanced).toBe(false);
  });
});

describe('attendanceByGroup', () => {
  it('counts each group by way of taking part, unrecorded included', () => {
    const a = attendanceByGroup([
      person('resident', 'in_person'),
      person('resident', 'remote'),
      person('resident', 'proxied'),
      person('special_group', 'absent'),
      person('enterprise', null),
    ]);
    expect(a.tookPart).toBe(3);
    expect(a.groups.find((g) => g.group === 'resident')).toEqual({
      group: 'resident',
      counts: { in_person: 1, remote: 1, proxied: 1, absent: 0, unrecorded: 0 },
      tookPart: 3,
    });
    expect(a.groups.map((g) => g.group)).toEqual(['resident', 'enterprise', 'special_group']);
    expect(a.totals).toEqual({ in_person: 1, remote: 1, proxied: 1, absent: 1, unrecorded: 1 });
  });
});

describe('speakingBalance', () => {
  it('gives 0 for equal speaking time and (n-1)/n when one person does all the talking', () => {
    expect(gini([60, 60, 60, 60])).toBe(0);
    expect(gini([0, 0, 0, 240])).toBe(0.75);
    expect(gini([])).toBeNull();
    expect(gini([0, 0])).toBeNull();
  });

  it('computes a hand-checked Gini: 1, 2, 3, 4 minutes → Σ|xi−xj| = 20, 20 / (2·4²·2.5) = 0.25', () => {
    expect(gini([60, 120, 180, 240])).toBeCloseTo(0.25, 10);
  });

  it('counts silent people in the room, not those who were absent or proxied', () => {
    const talker = person('resident');
    const quiet = person('resident');
    const online = person('professional', 'remote');
    const away = person('resident', 'absent');
    const proxied = person('special_group', 'proxied');
    const balance = speakingBalance(
      [talker, quiet, online, away, proxied],
      [
        { participantId: talker.id, seconds: 300 },
        { participantId: talker.id, seconds: 150 },
        { participantId: online.id, seconds: 150 },
      ],
    );
    expect(balance.totalSeconds).toBe(600);
    expect(balance.speakers.map((s) => [s.participantId, s.seconds, s.share])).toEqual([
      [talker.id, 450, 0.75],
      [online.id, 150, 0.25],
      [quiet.id, 0, 0],
    ]);
    expect(balance.maxShare).toBe(0.75);
    expect(balance.silent).toBe(1);
    // 0, 150, 450: Σ|xi−xj| over ordered pairs = 2·(150+450+300) = 1800; 1800 / (2·9·200) = 0.5.
    expect(balance.gini).toBe(0.5);
  });
});

describe('recordCompleteness', () => {
  it('names what a record still lacks', () => {
    const people = [person('convener'), person('resident', null)];
    expect(
      recordCompleteness({
        status: 'open',
        participants: people,
        hasMinutes: false,
        closedVotesWithBallots: 0,
      }),
    ).toEqual({ complete: false, missing: ['closed', 'attendance', 'minutes', 'vote'] });
    expect(
      recordCompleteness({
        status: 'closed',
        participants: [person('convener'), person('resident', 'absent')],
        hasMinutes: true,
        closedVotesWithBallots: 1,
      }),
    ).toEqual({ complete: true, missing: [] });
  });
});
