import { and, eq, inArray, notInArray } from 'drizzle-orm';
import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { RESIDENT_GROUPS, type ResidentGroup, topicAffectedGroups } from '../db/schema.ts';
import { assertInScope, communityScope } from '../deliberation/deliberation-scope.ts';
import { parseListsInput } from '../lists/parse-lists-input.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { findTopic, topicNotFound } from '../topics/apply-transition.ts';
import { topicIdField } from '../topics/topic-input.ts';
import { BALANCE_MANAGER_ROLES } from './balance-roles.ts';

export const setAffectedGroupsInput = z.object({
  topicId: topicIdField,
  /** Every group the topic affects; groups left out are no longer marked. */
  groups: z.array(z.enum(RESIDENT_GROUPS)).max(RESIDENT_GROUPS.length).default([]),
});

/**
 * Records which groups a topic affects (the elderly for an elderly canteen, ground-floor residents'
 * groups for a lift): the balance alert watches exactly these. Replaces the earlier choice; audited
 * when it changes anything.
 */
export async function setAffectedGroups(
  ctx: Ctx,
  input: z.input<typeof setAffectedGroupsInput>,
): Promise<{ groups: ResidentGroup[]; changed: boolean }> {
  requireRole(ctx, BALANCE_MANAGER_ROLES);
  const data = parseListsInput(setAffectedGroupsInput, input);
  const wanted = [...new Set(data.groups)];
  return ctx.db.transaction(async (tx) => {
    const topic = await findTopic(tx, data.topicId);
    if (!topic) throw topicNotFound();
    assertInScope(await communityScope(withDb(ctx, tx)), topic.communityId);
    const before = (
      await tx
        .select({ group: topicAffectedGroups.group })
        .from(topicAffectedGroups)
        .where(eq(topicAffectedGroups.topicId, topic.id))
    ).map((r) => r.group);
    const removed = before.filter((g) => !wanted.includes(g));
    const added = wanted.filter((g) => !before.includes(g));
    if (removed.length === 0 && added.length === 0) return { groups: before, changed: false };
    if (removed.length) {
      await tx
        .delete(topicAffectedGroups)
        .where(
          and(
            eq(topicAffectedGroups.topicId, topic.id),
            wanted.length
              ? notInArray(topicAffectedGroups.group, wanted)
              : inArray(topicAffectedGroups.group, removed),
          ),
        );
    }
    if (added.length) {
      const now = ctx.clock.now();
      await tx
        .insert(topicAffectedGroups)
        .values(
          added.map((group) => ({
            topicId: topic.id,
            group,
            markedBy: actorStaffId(ctx.actor) ?? null,
            markedAt: now,
          })),
        )
        .onConflictDoNothing();
    }
    await appendAudit(withDb(ctx, tx), {
      action: 'participation.affected_groups',
      subjectType: 'topic',
      subjectId: topic.id,
      data: { code: topic.code, groups: wanted, added, removed },
    });
    return { groups: wanted, changed: true };
  });
}
