/**
 * Signs that proxy writing may not be what it claims, per proxy, measured so that a supervisor can
 * check them: near-identical texts written for different residents, records for residents outside the
 * proxy's communities, and more records in an hour than one person can plausibly take down. Pure.
 */

/** Two texts are near-identical when their character-bigram sets overlap this much (Jaccard). */
export const SIMILARITY_THRESHOLD = 0.8;
/** …and a proxy is flagged when this many records for different residents are near-identical… */
export const SIMILAR_GROUP_MIN = 3;
/** …within this many days. */
export const SIMILARITY_WINDOW_DAYS = 7;
/** More records than this within any 60 minutes is implausible for one person on home visits. */
export const MAX_RECORDS_PER_HOUR = 6;

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

export interface AnomalyRecord {
  id: string;
  residentId: string;
  communityId: string | null;
  text: string | null;
  recordedAt: Date;
}

export interface ProxyAnomalies {
  /** Groups of record ids (≥ SIMILAR_GROUP_MIN, different residents) whose texts are near-identical. */
  similarGroups: string[][];
  /** Records for residents in communities the proxy is not assigned to. */
  outsideCommunity: string[];
  /** The most records in any 60-minute window, and the records of that window when above the limit. */
  maxPerHour: number;
  busyHour: string[];
  flagged: boolean;
}

function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** The set of adjacent character pairs; a one-character text is its own "pair". */
export function bigrams(text: string): Set<string> {
  const chars = [...normalise(text)];
  const out = new Set<string>();
  if (chars.length === 1) out.add(chars[0] as string);
  for (let i = 0; i + 1 < chars.length; i += 1) out.add(`${chars[i]}${chars[i + 1]}`);
  return out;
}

/** |A ∩ B| / |A ∪ B| of the two texts' bigram sets; 0 when either is empty. */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common += 1;
  return common / (a.size + b.size - common);
}

/**
 * Near-identical texts: records linked when their similarity reaches the threshold, grouped by
 * connectivity; a group counts when it holds at least SIMILAR_GROUP_MIN different residents.
 */
function similarGroups(records: AnomalyRecord[], now: Date): string[][] {
  const since = now.getTime() - SIMILARITY_WINDOW_DAYS * DAY_MS;
  const recent = records
    .filter((r) => r.text && normalise(r.text).length > 0 && r.recordedAt.getTime() >= since)
    .map((r) => ({ record: r, grams: bigrams(r.text as string) }));
  const parent = recent.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    return root;
  };
  for (let i = 0; i < recent.length; i += 1) {
    for (let j = i + 1; j < recent.length; j += 1) {
      const a = recent[i];
      const b = recent[j];
      if (a && b && jaccard(a.grams, b.grams) >= SIMILARITY_THRESHOLD) parent[find(j)] = find(i);
    }
  }
  const groups = new Map<number, AnomalyRecord[]>();
  recent.forEach((r, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), r.record]);
  });
  return [...groups.values()]
    .filter((g) => new Set(g.map((r) => r.residentId)).size >= SIMILAR_GROUP_MIN)
    .map((g) => g.map((r) => r.id));
}

/** The densest 60-minute window (sliding over the records' own times). */
function busiestHour(records: AnomalyRecord[]): { count: number; ids: string[] } {
  const sorted = [...records].sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
  let best = { count: 0, ids: [] as string[] };
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    const endAt = (sorted[end] as AnomalyRecord).recordedAt.getTime();
    while (endAt - (sorted[start] as AnomalyRecord).recordedAt.getTime() >= HOUR_MS) start += 1;
    const count = end - start + 1;
    if (count > best.count) best = { count, ids: sorted.slice(start, end + 1).map((r) => r.id) };
  }
  return best;
}

/** The anomaly flags of one proxy's records; `communityIds` empty means assigned everywhere. */
export function detectProxyAnomalies(
  records: AnomalyRecord[],
  communityIds: readonly string[],
  now: Date,
): ProxyAnomalies {
  const groups = similarGroups(records, now);
  const outsideCommunity =
    communityIds.length === 0
      ? []
      : records
          .filter((r) => r.communityId !== null && !communityIds.includes(r.communityId))
          .map((r) => r.id);
  const busy = busiestHour(records);
  const busyHour = busy.count > MAX_RECORDS_PER_HOUR ? busy.ids : [];
  return {
    similarGroups: groups,
    outsideCommunity,
    maxPerHour: busy.count,
    busyHour,
    flagged: groups.length > 0 || outsideCommunity.length > 0 || busyHour.length > 0,
  };
}
