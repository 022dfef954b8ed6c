import { describe, expect, it } from 'vitest';
import { type AnomalyRecord, bigrams, detectProxyAnomalies, jaccard } from './proxy-anomalies.ts';

const now = new Date('2026-11-27T12:00:00Z');
const minutes = (n: number) => new Date(now.getTime() - n * 60_000);
let n = 0;
function rec(
  text: string | null,
  at: Date,
  residentId?: string,
  communityId: string | null = 'c1',
): AnomalyRecord {
  n += 1;
  return { id: `x${n}`, residentId: residentId ?? `r${n}`, communityId, text, recordedAt: at };
}

describe('similarity', () => {
  it('is the Jaccard index of character bigrams, ignoring spaces and punctuation', () => {
    expect(jaccard(bigrams('加装电梯'), bigrams('加装 电梯！'))).toBe(1);
    expect(jaccard(bigrams('加装电梯'), bigrams('停车收费'))).toBe(0);
    expect(jaccard(bigrams('abcd'), bigrams('abce'))).toBeCloseTo(2 / 4);
    expect(jaccard(bigrams(''), bigrams('abc'))).toBe(0);
  });
});

describe('detectProxyAnomalies', () => {
  const same = '希望尽快在三号楼加装电梯，方便老人上下楼';
  it('flags three near-identical texts for different residents within 7 days', () => {
    const records = [
      rec(same, minutes(600)),
      rec(`${same}。`, minutes(900)),
      rec(`${same}！！`, minutes(2000)),
    ];
    const found = detectProxyAnomalies(records, ['c1'], now);
    expect(found.similarGroups).toHaveLength(1);
    expect(found.similarGroups[0]).toHaveLength(3);
    expect(found.flagged).toBe(true);
  });

  it('does not flag two, the same resident three times, different texts, or texts older than 7 days', () => {
    expect(detectProxyAnomalies([rec(same, minutes(10)), rec(same, minutes(300))], [], now).flagged).toBe(
      false,
    );
    const one = [
      rec(same, minutes(10), 'r-same'),
      rec(same, minutes(200), 'r-same'),
      rec(same, minutes(400), 'r-same'),
    ];
    expect(detectProxyAnomalies(one, [], now).similarGroups).toEqual([]);
    const different = [
      rec('楼道灯坏了', minutes(10)),
      rec('电梯太吵', minutes(200)),
      rec('停车位不够', minutes(400)),
    ];
    expect(detectProxyAnomalies(different, [], now).flagged).toBe(false);
    const old = [rec(same, minutes(8 * 1440)), rec(same, minutes(9 * 1440)), rec(same, minutes(10))];
    expect(detectProxyAnomalies(old, [], now).similarGroups).toEqual([]);
  });

  it('flags records for residents outside the proxy’s communities (none assigned means everywhere)', () => {
    const records = [
      rec('a', minutes(10), 'r1', 'c1'),
      rec('b', minutes(20), 'r2', 'c2'),
      rec('c', minutes(30), 'r3', null),
    ];
    expect(detectProxyAnomalies(records, ['c1'], now).outsideCommunity).toEqual([records[1]?.id]);
    expect(detectProxyAnomalies(records, [], now).outsideCommunity).toEqual([]);
  });

  it('flags more than 6 records within any 60 minutes, not 6', () => {
    const six = Array.from({ length: 6 }, (_, i) => rec(`t${i}`, minutes(i * 10)));
    expect(detectProxyAnomalies(six, [], now)).toMatchObject({ maxPerHour: 6, busyHour: [], flagged: false });
    const seven = [...six, rec('t7', minutes(55))];
    expect(detectProxyAnomalies(seven, [], now)).toMatchObject({ maxPerHour: 7, flagged: true });
    const spread = Array.from({ length: 12 }, (_, i) => rec(`s${i}`, minutes(i * 11)));
    expect(detectProxyAnomalies(spread, [], now).maxPerHour).toBe(6);
  });
});
