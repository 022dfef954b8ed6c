/**
 * Vote weights and the count. A simple-majority vote gives every ballot weight 1; a weighted vote
 * (分层表决) gives each voter class its configured weight — e.g. for a lift, ground-floor households who
 * gain least and bear the works weigh more. Weights are summed in hundredths, as integers, so the
 * published tally is exact and can be re-added by hand. A motion passes when the weight in favour is
 * more than half of the weight of all ballots cast, abstentions included (过半数同意).
 */
import type { BallotChoice, VoteMethod, VoteTally, VoteWeights } from '../db/schema.ts';

export const MAX_WEIGHT = 100;
export const MAX_CLASSES = 30;
export const CLASS_NAME_MAX = 40;

/** Weights as hundredths; refuses anything finer (a tally must be re-checkable by hand). */
export function toHundredths(weight: number): number {
  const hundredths = Math.round(weight * 100);
  if (Math.abs(hundredths - weight * 100) > 1e-6) throw new RangeError('at most two decimals');
  return hundredths;
}

/** The weight a voter of this class carries in this vote. */
export function weightFor(method: VoteMethod, weights: VoteWeights, voterClass: string | null): number {
  if (method === 'majority') return 1;
  if (voterClass !== null && Object.hasOwn(weights.byClass, voterClass)) {
    return weights.byClass[voterClass] as number;
  }
  return weights.otherwise;
}

/** Counts ballots (each with the weight applied to it). */
export function tallyVote(
  method: VoteMethod,
  ballots: readonly { choice: BallotChoice; weight: number }[],
): VoteTally {
  const hundredths: Record<BallotChoice, number> = { for: 0, against: 0, abstain: 0 };
  const count: Record<BallotChoice, number> = { for: 0, against: 0, abstain: 0 };
  for (const b of ballots) {
    hundredths[b.choice] += method === 'majority' ? 100 : toHundredths(b.weight);
    count[b.choice] += 1;
  }
  const cast = hundredths.for + hundredths.against + hundredths.abstain;
  return {
    method,
    ballots: ballots.length,
    weight: {
      for: hundredths.for / 100,
      against: hundredths.against / 100,
      abstain: hundredths.abstain / 100,
    },
    count,
    castWeight: cast / 100,
    passed: cast > 0 && hundredths.for * 2 > cast,
  };
}

export interface WeightLineProblem {
  line: number;
  problem: 'format' | 'weight' | 'duplicate' | 'tooMany' | 'name';
}

/**
 * Reads weights as staff type them, one class a line: "1楼 = 3", "2-3楼: 2", "4楼以上 1" (full-width
 * characters accepted). Returns the weights, or the first problem with its line number.
 */
export function parseWeightLines(
  text: string,
): { ok: true; byClass: Record<string, number> } | { ok: false; error: WeightLineProblem } {
  const byClass: Record<string, number> = {};
  const lines = text.normalize('NFKC').split(/\r?\n/);
  let classes = 0;
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const match = /^(.+?)\s*(?:[=:：]\s*|\s+)(\d+(?:\.\d+)?)$/.exec(line);
    const name = match?.[1]?.trim();
    if (!match || !name) return { ok: false, error: { line: index + 1, problem: 'format' } };
    if ([...name].length > CLASS_NAME_MAX) return { ok: false, error: { line: index + 1, problem: 'name' } };
    const weight = Number(match[2]);
    if (!(weight > 0 && weight <= MAX_WEIGHT) || !/^\d+(\.\d{1,2})?$/.test(match[2] ?? '')) {
      return { ok: false, error: { line: index + 1, problem: 'weight' } };
    }
    if (Object.hasOwn(byClass, name)) return { ok: false, error: { line: index + 1, problem: 'duplicate' } };
    classes += 1;
    if (classes > MAX_CLASSES) return { ok: false, error: { line: index + 1, problem: 'tooMany' } };
    byClass[name] = weight;
  }
  return { ok: true, byClass };
}

/** The weights as lines again, for showing a vote's configuration. */
export function formatWeightLines(byClass: Record<string, number>): string {
  return Object.entries(byClass)
    .map(([name, weight]) => `${name} = ${weight}`)
    .join('\n');
}
