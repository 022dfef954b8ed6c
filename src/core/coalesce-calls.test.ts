import { describe, expect, it } from 'vitest';
import { coalesceCalls, type Settled, settlingAll } from './coalesce-calls.ts';

interface Call {
  key: string;
  value: number;
}

/** A batch handler that records each batch and lets the test decide when it finishes. */
function recorder(options: { maxBatch?: number; maxInFlight?: number } = {}) {
  const batches: Call[][] = [];
  const finishers: (() => void)[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const call = coalesceCalls<Call, number>({
    async run(calls) {
      batches.push(calls);
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise<void>((resolve) => finishers.push(resolve));
      inFlight -= 1;
      return calls.map((c): Settled<number> => ({ ok: true, value: c.value * 10 }));
    },
    keyOf: (c) => c.key,
    maxBatch: options.maxBatch ?? 10,
    maxInFlight: options.maxInFlight ?? 1,
  });
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  /** Finishes the oldest batch still running and lets the next one start. */
  const finishOne = async () => {
    finishers.shift()?.();
    await nextTurn();
    await nextTurn();
  };
  return {
    call,
    batches,
    finishOne,
    nextTurn,
    get mostInFlight() {
      return mostInFlight;
    },
  };
}

describe('coalesceCalls', () => {
  it('handles calls made in one turn of the event loop as one batch, each getting its own answer', async () => {
    const r = recorder();
    const answers = Promise.all([1, 2, 3].map((value) => r.call({ key: `k${value}`, value })));
    await r.nextTurn();
    expect(r.batches).toEqual([
      [
        { key: 'k1', value: 1 },
        { key: 'k2', value: 2 },
        { key: 'k3', value: 3 },
      ],
    ]);
    await r.finishOne();
    expect(await answers).toEqual([10, 20, 30]);
  });

  it('gathers what arrives while a batch runs into the next batch', async () => {
    const r = recorder();
    const first = r.call({ key: 'a', value: 1 });
    await r.nextTurn();
    const later = [2, 3, 4].map((value) => r.call({ key: `k${value}`, value }));
    await r.nextTurn();
    expect(r.batches).toHaveLength(1);
    await r.finishOne();
    expect(await first).toBe(10);
    expect(r.batches[1]?.map((c) => c.value)).toEqual([2, 3, 4]);
    await r.finishOne();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
  });

  it('never puts two calls with one key in a batch, nor runs them at once, and keeps their order', async () => {
    const r = recorder({ maxInFlight: 3 });
    const answers = Promise.all([
      r.call({ key: 'same', value: 1 }),
      r.call({ key: 'other', value: 2 }),
      r.call({ key: 'same', value: 3 }),
      r.call({ key: 'same', value: 4 }),
    ]);
    await r.nextTurn();
    // The second and third calls of "same" wait for the first; "other" goes with it.
    expect(r.batches.map((b) => b.map((c) => c.value))).toEqual([[1, 2]]);
    await r.finishOne();
    expect(r.batches.map((b) => b.map((c) => c.value))).toEqual([[1, 2], [3]]);
    await r.finishOne();
    expect(r.batches.map((b) => b.map((c) => c.value))).toEqual([[1, 2], [3], [4]]);
    await r.finishOne();
    expect(await answers).toEqual([10, 20, 30, 40]);
  });

  it('keeps batches to their largest size and runs at most the allowed number at once', async () => {
    const r = recorder({ maxBatch: 2, maxInFlight: 2 });
    const answers = Promise.all([1, 2, 3, 4, 5].map((value) => r.call({ key: `k${value}`, value })));
    await r.nextTurn();
    expect(r.batches.map((b) => b.map((c) => c.value))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    await r.finishOne();
    expect(r.batches.at(-1)?.map((c) => c.value)).toEqual([5]);
    await r.finishOne();
    await r.finishOne();
    expect(await answers).toEqual([10, 20, 30, 40, 50]);
    expect(r.mostInFlight).toBe(2);
  });

  it('fails only the calls the handler says failed', async () => {
    const call = coalesceCalls<Call, number>({
      run: async (calls) =>
        calls.map(
          (c): Settled<number> =>
            c.value === 2 ? { ok: false, error: new Error('bad two') } : { ok: true, value: c.value },
        ),
      keyOf: (c) => c.key,
      maxBatch: 10,
      maxInFlight: 1,
    });
    const settled = await Promise.allSettled([1, 2, 3].map((value) => call({ key: `k${value}`, value })));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toEqual(new Error('bad two'));
  });

  it('fails every call of a batch whose handler throws, and goes on with the next batch', async () => {
    let runs = 0;
    const call = coalesceCalls<Call, number>({
      async run(calls) {
        runs += 1;
        if (runs === 1) throw new Error('database gone');
        return calls.map((c): Settled<number> => ({ ok: true, value: c.value }));
      },
      keyOf: (c) => c.key,
      maxBatch: 10,
      maxInFlight: 1,
    });
    const first = await Promise.allSettled([call({ key: 'a', value: 1 }), call({ key: 'b', value: 2 })]);
    expect(first.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(await call({ key: 'a', value: 3 })).toBe(3);
  });

  it('fails the calls a handler forgot to settle instead of leaving them waiting', async () => {
    const call = coalesceCalls<Call, number>({
      run: async () => [{ ok: true, value: 1 }],
      keyOf: (c) => c.key,
      maxBatch: 10,
      maxInFlight: 1,
    });
    const settled = await Promise.allSettled([call({ key: 'a', value: 1 }), call({ key: 'b', value: 2 })]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('without keys, splits one turn of calls into batches of the largest size, all at once', async () => {
    const runs: number[][] = [];
    const double = coalesceCalls<number, number>({
      run: settlingAll(async (xs) => {
        runs.push(xs);
        return xs.map((x) => x * 2);
      }),
      maxBatch: 3,
      maxInFlight: Number.POSITIVE_INFINITY,
    });
    expect(await Promise.all([1, 2, 3, 4, 5, 1].map((x) => double(x)))).toEqual([2, 4, 6, 8, 10, 2]);
    expect(runs).toEqual([
      [1, 2, 3],
      [4, 5, 1],
    ]);
    expect(await double(7)).toBe(14);
  });
});
