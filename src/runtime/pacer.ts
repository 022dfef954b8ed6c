/**
 * Room left for what can pass between a slot and the request reaching the provider (a garbage
 * collection pause, the client library's own work), so that the provider never counts one too many in
 * a second. Sends then come at N per 1.01 s at most, within 1% of N.
 */
const MARGIN_MS = 10;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(ms))));
}

/**
 * Runs `send` in this process's next send slot and returns what it returns. The send is started in the
 * same synchronous step that takes the slot: were the caller to resume first, the promise hops and any
 * work queued ahead of it would shift each send by a different amount, and a provider counting arrivals
 * could see N + 1 in one second although the slots were N.
 */
export type Pacer = <T>(send: () => Promise<T>) => Promise<T>;

/**
 * Spaces sends within this process on an even grid of `1000 / perSecond` ms, and never lets more than
 * `perSecond` start in any sliding second (a late timer cannot bunch two sends together). BullMQ's
 * limiter caps the rate across processes by whole windows; this spreads each window's sends evenly.
 * Slots are given in the order they were asked for, and a send that fails frees nothing early.
 */
export function createPacer(perSecond: number): Pacer {
  const interval = 1000 / perSecond;
  const capacity = Math.max(1, Math.floor(perSecond));
  const recent: number[] = [];
  let nextSlot = 0;
  let queue: Promise<void> = Promise.resolve();
  return <T>(send: () => Promise<T>): Promise<T> => {
    let started: Promise<T> | undefined;
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
      // Started here, not awaited: the next slot does not wait for this send's answer.
      try {
        started = send();
      } catch (error) {
        started = Promise.reject(error);
      }
    });
    queue = turn.catch(() => {});
    return turn.then(() => started as Promise<T>);
  };
}
