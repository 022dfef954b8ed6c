/** Timer and scheduling jitter the pacer leaves room for, so that an observer never counts one too many. */
const MARGIN_MS = 1;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(ms))));
}

/**
 * Spaces calls within this process on an even grid of `1000 / perSecond` ms, and never lets more than
 * `perSecond` through in any sliding second (a late timer cannot bunch two calls together). BullMQ's
 * limiter caps the rate across processes by whole windows; this spreads each window's sends evenly.
 */
export function createPacer(perSecond: number): () => Promise<void> {
  const interval = 1000 / perSecond;
  const capacity = Math.max(1, Math.floor(perSecond));
  const recent: number[] = [];
  let nextSlot = 0;
  let queue: Promise<void> = Promise.resolve();
  return () => {
    const turn = queue.then(async () => {
      const slot = Math.max(performance.now(), nextSlot);
      nextSlot = slot + interval;
      for (;;) {
        const oldest =
          recent.length >= capacity ? (recent[recent.length - capacity] ?? 0) : Number.NEGATIVE_INFINITY;
        const due = Math.max(slot, oldest + 1000 + MARGIN_MS);
        const now = performance.now();
        if (now >= due) break;
        await sleep(due - now);
      }
      recent.push(performance.now());
      if (recent.length > capacity) recent.shift();
    });
    queue = turn.catch(() => {});
    return turn;
  };
}
