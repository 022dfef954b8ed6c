import { describe, expect, it } from 'vitest';
import type { VoteWeights } from '../db/schema.ts';
import { parseWeightLines, tallyVote, weightFor } from './tally-vote.ts';

/** A lift for Block 3: ground-floor households gain least and bear the works, so they weigh most. */
const LIFT_WEIGHTS: VoteWeights = { byClass: { '1楼': 3, '2楼': 2 }, otherwise: 1 };

const BALLOTS = [
  { name: '王大爷', voterClass: '1楼', choice: 'against' },
  { name: '赵阿姨', voterClass: '1楼', choice: 'for' },
  { name: '钱先生', voterClass: '2楼', choice: 'against' },
  { name: '孙女士', voterClass: '5楼', choice: 'for' },
  { name: '李老师', voterClass: '6楼', choice: 'for' },
  { name: '周师傅', voterClass: '5楼', choice: 'for' },
  { name: '吴律师', voterClass: null, choice: 'abstain' },
] as const;

describe('tallyVote', () => {
  it('counts a weighted vote by hand: for 3+1+1+1 = 6, against 3+2 = 5, abstain 1; 6 is not more than half of 12', () => {
    const tally = tallyVote(
      'weighted',
      BALLOTS.map((b) => ({ choice: b.choice, weight: weightFor('weighted', LIFT_WEIGHTS, b.voterClass) })),
    );
    expect(tally).toEqual({
      method: 'weighted',
      ballots: 7,
      weight: { for: 6, against: 5, abstain: 1 },
      count: { for: 4, against: 2, abstain: 1 },
      castWeight: 12,
      passed: false,
    });
  });

  it('passes the same ballots by simple majority: 4 of 7 is more than half', () => {
    const tally = tallyVote(
      'majority',
      BALLOTS.map((b) => ({ choice: b.choice, weight: weightFor('majority', LIFT_WEIGHTS, b.voterClass) })),
    );
    expect(tally).toMatchObject({ weight: { for: 4, against: 2, abstain: 1 }, castWeight: 7, passed: true });
  });

  it('adds decimal weights exactly (0.1 + 0.2 is 0.3, not 0.30000000000000004)', () => {
    const tally = tallyVote('weighted', [
      { choice: 'for', weight: 0.1 },
      { choice: 'for', weight: 0.2 },
      { choice: 'against', weight: 0.25 },
    ]);
    expect(tally.weight.for).toBe(0.3);
    expect(tally.castWeight).toBe(0.55);
    expect(tally.passed).toBe(true);
  });

  it('does not pass a tie, nor a vote without ballots', () => {
    expect(
      tallyVote('majority', [
        { choice: 'for', weight: 1 },
        { choice: 'against', weight: 1 },
      ]).passed,
    ).toBe(false);
    expect(tallyVote('majority', []).passed).toBe(false);
  });

  it('refuses weights finer than hundredths', () => {
    expect(() => tallyVote('weighted', [{ choice: 'for', weight: 0.125 }])).toThrow(RangeError);
  });
});

describe('weightFor', () => {
  it('gives everyone 1 in a simple-majority vote and the class weight (else the default) in a weighted one', () => {
    expect(weightFor('majority', LIFT_WEIGHTS, '1楼')).toBe(1);
    expect(weightFor('weighted', LIFT_WEIGHTS, '1楼')).toBe(3);
    expect(weightFor('weighted', LIFT_WEIGHTS, '9楼')).toBe(1);
    expect(weightFor('weighted', LIFT_WEIGHTS, null)).toBe(1);
    expect(weightFor('weighted', { byClass: {}, otherwise: 1 }, 'constructor')).toBe(1);
  });
});

describe('parseWeightLines', () => {
  it('reads one class a line with =, : or a space, full-width characters included', () => {
    expect(parseWeightLines('1楼 = 3\n2-3楼：2\n\n4楼以上 1.5\r\n５楼＝１')).toEqual({
      ok: true,
      byClass: { '1楼': 3, '2-3楼': 2, '4楼以上': 1.5, '5楼': 1 },
    });
  });

  it('names the line of the first problem', () => {
    expect(parseWeightLines('1楼 = 3\n2楼')).toEqual({ ok: false, error: { line: 2, problem: 'format' } });
    expect(parseWeightLines('1楼 = 0')).toEqual({ ok: false, error: { line: 1, problem: 'weight' } });
    expect(parseWeightLines('1楼 = 1.234')).toEqual({ ok: false, error: { line: 1, problem: 'weight' } });
    expect(parseWeightLines('1楼 = 101')).toEqual({ ok: false, error: { line: 1, problem: 'weight' } });
    expect(parseWeightLines('1楼 = 3\n1楼 = 2')).toEqual({
      ok: false,
      error: { line: 2, problem: 'duplicate' },
    });
  });
});
