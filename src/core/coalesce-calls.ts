/**
 * Coalesces concurrent calls into batches: what arrives while a batch is being handled waits for the
 * next one, so under load each round trip to the database carries many calls, and an idle caller waits
 * only for the current turn of the event loop. Calls that share a key are never in the same batch nor
 * in two batches at once, and keep their order: two messages from one resident are answered one after
 * the other, each against what the first one changed.
 */

/** What the batch handler says of each call, in the order the calls were given. */
export type Settled<Out> = { ok: true; value: Out } | { ok: false; error: unknown };

export interface CoalesceOptions<In, Out> {
  /** Handles one batch; must settle every call, one entry per call and in the same order. */
  run(calls: In[]): Promise<Settled<Out>[]>;
  /** Calls with the same key are handled one at a time, in the order they arrived; none if absent. */
  keyOf?: (call: In) => string;
  /** Most calls in one batch. */
  maxBatch: number;
  /** Most batches being handled at once. */
  maxInFlight: number;
}

interface Waiting<In, Out> {
  call: In;
  key: string | undefined;
  resolve(value: Out): void;
  reject(error: unknown): void;
}

export type CoalescedCall<In, Out> = (call: In) => Promise<Out>;

export function coalesceCalls<In, Out>(options: CoalesceOptions<In, Out>): CoalescedCall<In, Out> {
  const waiting: Waiting<In, Out>[] = [];
  const busyKeys = new Set<string>();
  let inFlight = 0;
  let scheduled = false;

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // After the current turn: the requests read in one turn of the event loop make one batch.
    setImmediate(drain);
  }

  function takeBatch(): Waiting<In, Out>[] {
    const batch: Waiting<In, Out>[] = [];
    const keys = new Set<string>();
    // A key met in this pass but left waiting holds back its later calls too, to keep their order.
    const heldBack = new Set<string>();
    let kept = 0;
    for (const entry of waiting) {
      const { key } = entry;
      const free = key === undefined || (!busyKeys.has(key) && !keys.has(key) && !heldBack.has(key));
      if (batch.length < options.maxBatch && free) {
        if (key !== undefined) keys.add(key);
        batch.push(entry);
      } else {
        if (key !== undefined) heldBack.add(key);
        waiting[kept++] = entry;
      }
    }
    waiting.length = kept;
    return batch;
  }

  function drain(): void {
    scheduled = false;
    while (inFlight < options.maxInFlight && waiting.length > 0) {
      const batch = takeBatch();
      if (batch.length === 0) return;
      for (const entry of batch) if (entry.key !== undefined) busyKeys.add(entry.key);
      inFlight += 1;
      void runBatch(batch);
    }
  }

  async function runBatch(batch: Waiting<In, Out>[]): Promise<void> {
    try {
      const settled = await options.run(batch.map((entry) => entry.call));
      for (const [i, entry] of batch.entries()) {
        const outcome = settled[i];
        if (!outcome) entry.reject(new Error('the batch handler settled fewer calls than it was given'));
        else if (outcome.ok) entry.resolve(outcome.value);
        else entry.reject(outcome.error);
      }
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      for (const entry of batch) if (entry.key !== undefined) busyKeys.delete(entry.key);
      inFlight -= 1;
      if (waiting.length > 0) schedule();
    }
  }

  return (call: In) =>
    new Promise<Out>((resolve, reject) => {
      waiting.push({ call, key: options.keyOf?.(call), resolve, reject });
      schedule();
    });
}

/** A batch handler that answers every call or fails them all, as one that settles each call. */
export function settlingAll<In, Out>(
  run: (calls: In[]) => Promise<Out[]>,
): (calls: In[]) => Promise<Settled<Out>[]> {
  return async (calls) => (await run(calls)).map((value): Settled<Out> => ({ ok: true, value }));
}
