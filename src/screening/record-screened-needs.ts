import { inArray, sql } from 'drizzle-orm';
import { actorStaffId } from '../core/actor.ts';
import type { Ctx } from '../core/context.ts';
import { demands, screeningDecisions } from '../db/schema.ts';
import type { Need } from './list-unscreened-needs.ts';
import { needsAlreadyScreened } from './screening-input.ts';

/**
 * Records that these needs went into a topic: one screening decision each, and the demand's own
 * `topic_id`. Run inside the caller's transaction; if another person screened one of them meanwhile
 * the whole action is refused (and rolled back by the caller's transaction).
 */
export async function recordTopicNeeds(ctx: Ctx, topicId: string, needs: readonly Need[]): Promise<void> {
  if (needs.length === 0) return;
  const now = ctx.clock.now();
  const inserted = await ctx.db
    .insert(screeningDecisions)
    .values(
      needs.map((n) => ({
        intakeId: n.id,
        outcome: 'topic' as const,
        topicId,
        decidedBy: actorStaffId(ctx.actor) ?? null,
        decidedAt: now,
      })),
    )
    .onConflictDoNothing()
    .returning({ intakeId: screeningDecisions.intakeId });
  if (inserted.length !== needs.length) throw needsAlreadyScreened();
  const demandIds = needs.filter((n) => n.kind === 'demand').map((n) => n.id);
  if (demandIds.length > 0) {
    await ctx.db
      .update(demands)
      .set({ topicId })
      .where(sql`${inArray(demands.intakeId, demandIds)} and ${demands.topicId} is null`);
  }
}
