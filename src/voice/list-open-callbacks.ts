import { and, asc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import {
  type CallbackReason,
  communities,
  type Locale,
  type LocalizedText,
  type StaffRole,
  staff,
  voiceCallbacks,
} from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';

/** Who rings residents back: the people who answer the hall's phone and know the community. */
export const CALLBACK_HANDLER_ROLES: readonly StaffRole[] = ['admin', 'community_secretary', 'grid_worker'];

export interface OpenCallback {
  id: string;
  /** Decrypted for the person who will ring it; never logged. */
  phone: string;
  locale: Locale;
  reason: CallbackReason;
  requestedAt: Date;
  residentKnown: boolean;
  community: LocalizedText | null;
}

/**
 * The call-backs still waiting, oldest first. Staff tied to communities see their communities'
 * callers and the anonymous ones (who belong to no community); everyone else sees all.
 */
export async function listOpenCallbacks(ctx: Ctx): Promise<OpenCallback[]> {
  requireRole(ctx, CALLBACK_HANDLER_ROLES);
  let scope: string[] = [];
  if (ctx.actor.type === 'staff') {
    const [me] = await ctx.db
      .select({ communityIds: staff.communityIds })
      .from(staff)
      .where(eq(staff.id, ctx.actor.staffId))
      .limit(1);
    scope = me?.communityIds ?? [];
  }
  const open = eq(voiceCallbacks.status, 'open');
  const rows = await ctx.db
    .select({
      id: voiceCallbacks.id,
      phoneCipher: voiceCallbacks.phoneCipher,
      locale: voiceCallbacks.locale,
      reason: voiceCallbacks.reason,
      requestedAt: voiceCallbacks.requestedAt,
      residentId: voiceCallbacks.residentId,
      community: communities.name,
    })
    .from(voiceCallbacks)
    .leftJoin(communities, eq(communities.id, voiceCallbacks.communityId))
    .where(
      scope.length > 0
        ? and(open, or(inArray(voiceCallbacks.communityId, scope), isNull(voiceCallbacks.communityId)))
        : open,
    )
    .orderBy(asc(voiceCallbacks.requestedAt))
    .limit(500);
  return rows.map((r) => ({
    id: r.id,
    phone: ctx.pii.decryptPhone(r.phoneCipher),
    locale: r.locale,
    reason: r.reason,
    requestedAt: r.requestedAt,
    residentKnown: r.residentId !== null,
    community: r.community,
  }));
}
