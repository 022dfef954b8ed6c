/**
 * Groups needs into recurring themes: TF-IDF vectors over each need's terms (`needTerms`), cosine
 * similarity, then average-linkage agglomerative clustering cut at a fixed similarity. The
 * nearest-neighbour-chain algorithm does it in O(n²) time over one similarity matrix; ties are broken
 * by position, so the same needs in the same order always give the same themes. Pure.
 * See docs/adr/0010-screening-themes-and-weighted-votes.md.
 */
import { type NeedTerms, needTerms } from './need-terms.ts';

/** Two groups join when their needs are, on average, at least this similar (cosine of TF-IDF vectors). */
export const THEME_SIMILARITY = 0.25;

/** A character pair counts less than a dictionary word: it is evidence of a shared word, not a word. */
const PAIR_WEIGHT = 0.5;

/** How much a feature only one need has counts in its length. */
const HAPAX_WEIGHT = 0.35;

/** More needs than this are not grouped in one go (the similarity matrix grows with the square: 16 MB at 2,000). */
export const MAX_NEEDS_PER_RUN = 2000;

export interface NeedDocument {
  id: string;
  text: string;
}

export interface Theme {
  /** Member ids in input order. */
  memberIds: string[];
  /** The words that characterise the theme most, strongest first. */
  terms: string[];
  /** The member closest to the theme's centre: the need to read first. */
  representativeId: string;
  /** Average similarity between members (1 for a single need). */
  cohesion: number;
}

export interface Clustering {
  /** Largest first; equal sizes in order of their first member. */
  themes: Theme[];
  /** Needs with no comparable term at all (a greeting, a number). */
  ungroupable: string[];
}

type Vector = Map<string, number>;

function featureCounts(terms: NeedTerms): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of terms.words) counts.set(w, (counts.get(w) ?? 0) + 1);
  for (const p of terms.pairs) counts.set(p, (counts.get(p) ?? 0) + PAIR_WEIGHT);
  return counts;
}

function vectorsFor(counts: Map<string, number>[]): Vector[] {
  const documentFrequency = new Map<string, number>();
  for (const c of counts)
    for (const f of c.keys()) documentFrequency.set(f, (documentFrequency.get(f) ?? 0) + 1);
  const n = counts.length;
  return counts.map((c) => {
    const v: Vector = new Map();
    let norm = 0;
    for (const [f, tf] of c) {
      const df = documentFrequency.get(f) ?? 0;
      // Smoothed IDF; sublinear TF so a word repeated in one long message does not dominate.
      const termWeight = tf <= 1 ? tf : 1 + Math.log(tf);
      // A feature only one need has cannot make two needs alike. At full weight it would drown what
      // short messages share; left out, two needs sharing one everyday word would look identical.
      const weight = termWeight * (Math.log((1 + n) / (1 + df)) + 1) * (df < 2 ? HAPAX_WEIGHT : 1);
      v.set(f, weight);
      norm += weight * weight;
    }
    const length = Math.sqrt(norm);
    if (length > 0) for (const [f, w] of v) v.set(f, w / length);
    return v;
  });
}

/** Cosine similarities of unit vectors through an inverted index: only pairs sharing a feature cost time. */
function similarityMatrix(vectors: Vector[]): Float32Array {
  const n = vectors.length;
  const matrix = new Float32Array(n * n);
  const postings = new Map<string, { doc: number; weight: number }[]>();
  vectors.forEach((v, doc) => {
    for (const [f, weight] of v) {
      const list = postings.get(f);
      if (list) list.push({ doc, weight });
      else postings.set(f, [{ doc, weight }]);
    }
  });
  for (const list of postings.values()) {
    for (let a = 0; a < list.length; a += 1) {
      const x = list[a]!;
      for (let b = a + 1; b < list.length; b += 1) {
        const y = list[b]!;
        const product = x.weight * y.weight;
        matrix[x.doc * n + y.doc]! += product;
        matrix[y.doc * n + x.doc]! += product;
      }
    }
  }
  return matrix;
}

/**
 * Average-linkage clustering cut at `threshold`, by nearest-neighbour chains. A cluster whose best
 * partner is below the threshold can be retired at once: under average linkage a merged cluster is never
 * more similar to a third one than the better of its two parts was.
 */
function averageLinkage(matrix: Float32Array, n: number, threshold: number): number[][] {
  const members: number[][] = Array.from({ length: n }, (_, i) => [i]);
  const active = new Uint8Array(n).fill(1);
  let remaining = n;
  const done: number[][] = [];
  const chain: number[] = [];
  let next = 0;
  while (remaining > 0) {
    if (chain.length === 0) {
      while (!active[next]) next += 1;
      chain.push(next);
    }
    const a = chain[chain.length - 1]!;
    const previous = chain.length >= 2 ? chain[chain.length - 2]! : -1;
    let best = -1;
    let bestSimilarity = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < n; c += 1) {
      if (c === a || !active[c]) continue;
      const s = matrix[a * n + c]!;
      if (s > bestSimilarity || (s === bestSimilarity && c === previous)) {
        best = c;
        bestSimilarity = s;
      }
    }
    if (best < 0 || bestSimilarity < threshold) {
      chain.pop();
      active[a] = 0;
      remaining -= 1;
      done.push(members[a]!);
      continue;
    }
    if (best !== previous) {
      chain.push(best);
      continue;
    }
    chain.pop();
    chain.pop();
    // Merge into the lower index; Lance–Williams update for average linkage.
    const [keep, drop] = a < best ? [a, best] : [best, a];
    const sizeKeep = members[keep]!.length;
    const sizeDrop = members[drop]!.length;
    for (let c = 0; c < n; c += 1) {
      if (!active[c] || c === keep || c === drop) continue;
      const s = (sizeKeep * matrix[keep * n + c]! + sizeDrop * matrix[drop * n + c]!) / (sizeKeep + sizeDrop);
      matrix[keep * n + c] = s;
      matrix[c * n + keep] = s;
    }
    members[keep] = [...members[keep]!, ...members[drop]!];
    active[drop] = 0;
    remaining -= 1;
  }
  return done;
}

function describe(group: number[], vectors: Vector[], words: string[][], ids: string[]): Theme {
  const sorted = [...group].sort((x, y) => x - y);
  const centre: Vector = new Map();
  for (const i of sorted) for (const [f, w] of vectors[i]!) centre.set(f, (centre.get(f) ?? 0) + w);
  let representative = sorted[0]!;
  let closest = Number.NEGATIVE_INFINITY;
  for (const i of sorted) {
    let dot = 0;
    for (const [f, w] of vectors[i]!) dot += w * (centre.get(f) ?? 0);
    if (dot > closest) {
      closest = dot;
      representative = i;
    }
  }
  // Label: the words most members use, then the most used, then the first seen.
  const members = new Map<string, number>();
  const uses = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  for (const i of sorted) {
    for (const w of words[i]!) {
      uses.set(w, (uses.get(w) ?? 0) + 1);
      if (!firstSeen.has(w)) firstSeen.set(w, firstSeen.size);
    }
    for (const w of new Set(words[i])) members.set(w, (members.get(w) ?? 0) + 1);
  }
  const terms = [...members.keys()]
    .sort(
      (x, y) =>
        members.get(y)! - members.get(x)! ||
        uses.get(y)! - uses.get(x)! ||
        firstSeen.get(x)! - firstSeen.get(y)!,
    )
    .slice(0, 3);
  let squared = 0;
  for (const w of centre.values()) squared += w * w;
  const size = sorted.length;
  const cohesion = size === 1 ? 1 : (squared - size) / (size * (size - 1));
  return {
    memberIds: sorted.map((i) => ids[i]!),
    terms,
    representativeId: ids[representative]!,
    cohesion: Math.round(cohesion * 1000) / 1000,
  };
}

/** Groups needs into themes; every comparable need ends up in exactly one theme (possibly alone). */
export function clusterNeeds(
  documents: readonly NeedDocument[],
  options: { threshold?: number } = {},
): Clustering {
  if (documents.length > MAX_NEEDS_PER_RUN) {
    throw new RangeError(`at most ${MAX_NEEDS_PER_RUN} needs can be grouped at once`);
  }
  const threshold = options.threshold ?? THEME_SIMILARITY;
  const comparable: { id: string; counts: Map<string, number>; words: string[] }[] = [];
  const ungroupable: string[] = [];
  for (const d of documents) {
    const terms = needTerms(d.text);
    const counts = featureCounts(terms);
    if (counts.size === 0) ungroupable.push(d.id);
    else comparable.push({ id: d.id, counts, words: terms.words });
  }
  const ids = comparable.map((c) => c.id);
  const vectors = vectorsFor(comparable.map((c) => c.counts));
  const groups = averageLinkage(similarityMatrix(vectors), vectors.length, threshold);
  const themes = groups
    .map((g) => ({
      first: Math.min(...g),
      theme: describe(
        g,
        vectors,
        comparable.map((c) => c.words),
        ids,
      ),
    }))
    .sort((x, y) => y.theme.memberIds.length - x.theme.memberIds.length || x.first - y.first)
    .map((x) => x.theme);
  return { themes, ungroupable };
}
