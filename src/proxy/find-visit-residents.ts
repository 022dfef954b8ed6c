import { and, asc, eq, ilike, inArray, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { communities, type LocalizedText, residents, staff } from '../db/schema.ts';
import { normalisePhone } from '../residents/normalise-phone.ts';
import { requireProxyWriter } from './proxy-actor.ts';
import { fieldProblem, parseProxyInput } from './proxy-input.ts';

export const findVisitResidentsInput = z.object({
  /** A phone number in any common spelling: found by its blind index, never compared in plaintext. */
  phone: z.string().trim().max(40).optional(),
  /** Part of the name, searched in the proxy's own communities. */
  name: z.string().trim().max(60).optional(),
});

export interface FoundResident {
  id: string;
  name: string | null;
  communityName: LocalizedText | null;
  /** The last four digits, so the proxy can check with the resident; never the whole number. */
  phoneEnding: string | null;
}

const MAX_RESULTS = 20;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Residents the proxy may be visiting: the one with this phone number, or those whose name contains
 * the text in the proxy's communities (everywhere for a proxy assigned to none).
 */
export async function findVisitResidents(
  ctx: Ctx,
  input: z.input<typeof findVisitResidentsInput>,
): Promise<FoundResident[]> {
  const { staffId } = requireProxyWriter(ctx);
  const data = parseProxyInput(findVisitResidentsInput, input);
  const conditions: SQL[] = [];
  if (data.phone) {
    const e164 = normalisePhone(data.phone);
    if (!e164) throw fieldProblem('phone', 'proxy:errors.phoneInvalid');
    conditions.push(eq(residents.phoneHash, ctx.pii.phoneHash(e164)));
  } else if (data.name) {
    conditions.push(ilike(residents.name, `%${escapeLike(data.name)}%`));
    const [me] = await ctx.db
      .select({ communityIds: staff.communityIds })
      .from(staff)
      .where(eq(staff.id, staffId));
    if (me?.communityIds.length) conditions.push(inArray(residents.communityId, me.communityIds));
  } else {
    throw fieldProblem('name', 'proxy:errors.searchRequired');
  }
  const rows = await ctx.db
    .select({
      id: residents.id,
      name: residents.name,
      communityName: communities.name,
      phoneCipher: residents.phoneCipher,
    })
    .from(residents)
    .leftJoin(communities, eq(communities.id, residents.communityId))
    .where(and(...conditions))
    .orderBy(asc(residents.name), asc(residents.id))
    .limit(MAX_RESULTS);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    communityName: r.communityName,
    phoneEnding: r.phoneCipher ? ctx.pii.decryptPhone(r.phoneCipher).slice(-4) : null,
  }));
}
