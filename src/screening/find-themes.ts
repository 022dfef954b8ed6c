import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { communityScope } from '../deliberation/deliberation-scope.ts';
import { requireRole } from '../staff/require-role.ts';
import { isUuid, parseTopicInput } from '../topics/topic-input.ts';
import { clusterNeeds } from './cluster-needs.ts';
import { loadUnscreenedNeeds, type Need } from './list-unscreened-needs.ts';
import { type ResidentRecommendedShare, residentRecommendedShare } from './resident-recommended.ts';
import { SCREENING_VIEWER_ROLES } from './screening-roles.ts';

export const findThemesInput = z.object({
  /** Only this community's needs; anything that is not a community id means all in scope. */
  communityId: z
    .string()
    .optional()
    .transform((v) => (v && isUuid(v) ? v : undefined)),
});

export interface PlaceCount {
  communityId: string | null;
  gridId: string | null;
  count: number;
}

export interface ScreeningTheme {
  /** The theme's first need (oldest): how pages refer to the theme. */
  key: string;
  terms: string[];
  cohesion: number;
  needs: Need[];
  /** The need closest to the theme's centre. */
  representative: Need;
  /** Distinct residents behind the needs; each anonymous need counts as one person. */
  residents: number;
  byCommunity: { communityId: string | null; count: number }[];
  byGrid: PlaceCount[];
}

export interface ScreeningOverview {
  /** Themes raised by two or more needs, largest first. */
  themes: ScreeningTheme[];
  /** Needs like no other (yet), oldest first. */
  singles: Need[];
  /** Messages with nothing to compare (a greeting, a lone number): screened one by one. */
  ungroupable: Need[];
  /** Needs waiting in scope; more than were grouped when `truncated`. */
  total: number;
  truncated: boolean;
  recommended: ResidentRecommendedShare;
}

/** Distinct people: residents by id, anonymous needs one each. */
export function countResidents(needs: readonly Need[]): number {
  const known = new Set(needs.flatMap((n) => (n.residentId ? [n.residentId] : [])));
  return known.size + needs.filter((n) => !n.residentId).length;
}

function countBy<K>(needs: readonly Need[], key: (n: Need) => K, same: (a: K, b: K) => boolean) {
  const out: { key: K; count: number }[] = [];
  for (const need of needs) {
    const k = key(need);
    const entry = out.find((e) => same(e.key, k));
    if (entry) entry.count += 1;
    else out.push({ key: k, count: 1 });
  }
  return out.sort((a, b) => b.count - a.count);
}

/** Builds a theme's description from its needs. */
export function describeTheme(needs: Need[], terms: string[], cohesion: number, representativeId: string) {
  const representative = needs.find((n) => n.id === representativeId) ?? needs[0];
  if (!representative) throw new Error('a theme has at least one need');
  return {
    key: needs[0]?.id ?? representative.id,
    terms,
    cohesion,
    needs,
    representative,
    residents: countResidents(needs),
    byCommunity: countBy(
      needs,
      (n) => n.communityId,
      (a, b) => a === b,
    ).map((e) => ({ communityId: e.key, count: e.count })),
    byGrid: countBy(
      needs,
      (n) => `${n.communityId ?? ''}|${n.gridId ?? ''}`,
      (a, b) => a === b,
    ).map((e) => {
      const [communityId = '', gridId = ''] = e.key.split('|');
      return { communityId: communityId || null, gridId: gridId || null, count: e.count };
    }),
  } satisfies ScreeningTheme;
}

/**
 * Groups the needs waiting for screening into recurring themes (see `clusterNeeds`), with counts per
 * community and grid, and the share of topics residents recommended so far.
 */
export async function findThemes(
  ctx: Ctx,
  input: z.input<typeof findThemesInput> = {},
): Promise<ScreeningOverview> {
  requireRole(ctx, SCREENING_VIEWER_ROLES);
  const { communityId } = parseTopicInput(findThemesInput, input);
  const scope = await communityScope(ctx);
  const { needs, total } = await loadUnscreenedNeeds(ctx.db, scope, { communityId });
  const byId = new Map(needs.map((n) => [n.id, n]));
  const clustering = clusterNeeds(needs.map((n) => ({ id: n.id, text: n.text })));
  const themes: ScreeningTheme[] = [];
  const singles: Need[] = [];
  for (const theme of clustering.themes) {
    const members = theme.memberIds.map((id) => byId.get(id)).filter((n): n is Need => n !== undefined);
    if (members.length >= 2) {
      themes.push(describeTheme(members, theme.terms, theme.cohesion, theme.representativeId));
    } else if (members[0]) {
      singles.push(members[0]);
    }
  }
  singles.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  return {
    themes,
    singles,
    ungroupable: clustering.ungroupable.map((id) => byId.get(id)).filter((n): n is Need => n !== undefined),
    total,
    truncated: total > needs.length,
    recommended: await residentRecommendedShare(ctx.db, scope, communityId),
  };
}

/** The theme a need belongs to now (it may have grown since the page was shown), or undefined. */
export async function findThemeOf(ctx: Ctx, input: { needId: string }): Promise<ScreeningTheme | undefined> {
  requireRole(ctx, SCREENING_VIEWER_ROLES);
  if (!isUuid(input.needId)) return undefined;
  const scope = await communityScope(ctx);
  const { needs } = await loadUnscreenedNeeds(ctx.db, scope);
  const byId = new Map(needs.map((n) => [n.id, n]));
  if (!byId.has(input.needId)) return undefined;
  const clustering = clusterNeeds(needs.map((n) => ({ id: n.id, text: n.text })));
  const theme = clustering.themes.find((t) => t.memberIds.includes(input.needId));
  const need = byId.get(input.needId) as Need;
  if (!theme) return describeTheme([need], [], 1, need.id);
  const members = theme.memberIds.map((id) => byId.get(id)).filter((n): n is Need => n !== undefined);
  return describeTheme(members, theme.terms, theme.cohesion, theme.representativeId);
}
