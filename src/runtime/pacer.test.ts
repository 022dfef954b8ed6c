import { describe, expect, it } from 'vitest';
import { createPacer } from './pacer.ts';

/** Keeps the event loop busy, as decrypting, logging or a database answer does in a worker. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

function mostInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('createPacer', () => {
  it('starts no more than N sends in any second while callers keep the event loop busy', async () => {
    const pace = createPacer(20);
    const started: number[] = [];
    let seed = 7;
    const jitter = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return (seed / 2147483648) * 8;
    };
    await Promise.all(
      Array.from({ length: 45 }, async () => {
        await pace(async () => {
          started.push(performance.now());
          // The provider's answer takes a while; the next slot must not wait for it.
          await new Promise((resolve) => setTimeout(resolve, 200));
        });
        busyFor(jitter());
      }),
    );
    expect(started).toHaveLength(45);
    expect(mostInAnyWindow(started, 1000)).toBeLessThanOrEqual(20);
    // Had each slot waited for the previous answer, 45 sends would have taken 9 s at least.
    const span = (started.at(-1) ?? 0) - (started[0] ?? 0);
    expect(span).toBeGreaterThanOrEqual(2000);
    expect(span).toBeLessThan(8000);
  });

  it('gives slots in the order they were asked for and returns what each send returns', async () => {
    const pace = createPacer(200);
    const order: number[] = [];
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        pace(async () => {
          order.push(i);
          return `sent ${i}`;
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(answers).toEqual(Array.from({ length: 10 }, (_, i) => `sent ${i}`));
  });

  it('passes on a failed send to its caller and keeps pacing the rest', async () => {
    const pace = createPacer(100);
    const failing = pace(() => {
      throw new Error('provider unreachable');
    });
    const rejected = pace(async () => Promise.reject(new Error('timed out')));
    const next = pace(async () => 'sent');
    await expect(failing).rejects.toThrow('provider unreachable');
    await expect(rejected).rejects.toThrow('timed out');
    await expect(next).resolves.toBe('sent');
  });

  it('sends the first at once and the others on an even grid', async () => {
    const pace = createPacer(10);
    let timerFired = false;
    setTimeout(() => {
      timerFired = true;
    }, 0);
    const started: { at: number; afterTimer: boolean }[] = [];
    await Promise.all(
      Array.from({ length: 3 }, () =>
        pace(async () => started.push({ at: performance.now(), afterTimer: timerFired })),
      ),
    );
    expect(started.map((s) => s.afterTimer)).toEqual([false, true, true]);
    // At 10/s the slots are 100 ms apart; a send starts a moment after its slot, never before it.
    const first = started[0]?.at ?? 0;
    expect((started[1]?.at ?? 0) - first).toBeGreaterThanOrEqual(90);
    expect((started[2]?.at ?? 0) - first).toBeGreaterThanOrEqual(190);
  });
});
