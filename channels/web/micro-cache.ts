/**
 * A tiny read-through cache for data many people read at once and that may be a second or two old:
 * a topic page during a busy public notice, the list of communities. Concurrent misses for one key
 * share a single load, so a burst of readers costs one set of queries, not one per reader.
 */
export class MicroCache<V> {
  readonly #entries = new Map<string, { value: Promise<V>; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 500,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The cached value for `key`, loading it with `load` when absent or expired. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const at = this.now();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > at) return hit.value;
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    const value = load();
    this.#entries.set(key, { value, expires: at + this.ttlMs });
    // A failed load is not kept: the next reader tries again.
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    return value;
  }

  /** Forgets `key`, e.g. after this process changed what it shows. */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Forgets every key that matches. */
  deleteWhere(matches: (key: string) => boolean): void {
    for (const key of [...this.#entries.keys()]) if (matches(key)) this.#entries.delete(key);
  }
}
