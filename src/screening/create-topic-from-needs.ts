import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { topicOrigins } from '../db/schema.ts';
import { assertInScope, communityScope } from '../deliberation/deliberation-scope.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { createTopic, createTopicInput } from '../topics/create-topic.ts';
import { screenTopic } from '../topics/screen-topic.ts';
import type { Topic } from '../topics/topic-lifecycle.ts';
import { countResidents } from './find-themes.ts';
import { loadUnscreenedNeeds } from './list-unscreened-needs.ts';
import { recordTopicNeeds } from './record-screened-needs.ts';
import { needIdsField, needsAlreadyScreened, parseScreeningInput } from './screening-input.ts';
import { SCREENING_MANAGER_ROLES } from './screening-roles.ts';

export const createTopicFromNeedsInput = createTopicInput.omit({ source: true }).extend({
  needIds: needIdsField,
  /** The theme's key terms as shown, kept with the topic's origin. */
  themeTerms: z.array(z.string().trim().min(1).max(40)).max(5).default([]),
});
export type CreateTopicFromNeedsInput = z.input<typeof createTopicFromNeedsInput>;

export interface TopicFromNeeds {
  topic: Topic;
  needCount: number;
  residentCount: number;
}

/**
 * Turns a theme (or a single need) into a topic recommended by residents: the topic is created and
 * taken into screening, the needs are linked to it, and its origin records how many needs and
 * residents stand behind it — all in one transaction. The community defaults to the needs' own when
 * they all share one.
 */
export async function createTopicFromNeeds(
  ctx: Ctx,
  input: CreateTopicFromNeedsInput,
): Promise<TopicFromNeeds> {
  requireRole(ctx, SCREENING_MANAGER_ROLES);
  const data = parseScreeningInput(createTopicFromNeedsInput, input);
  const scope = await communityScope(ctx);
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx);
    const { needs } = await loadUnscreenedNeeds(tx, scope, { ids: data.needIds });
    if (needs.length !== data.needIds.length) throw needsAlreadyScreened();
    const communities = [...new Set(needs.map((n) => n.communityId))];
    const communityId =
      data.communityId ?? (communities.length === 1 && communities[0] ? communities[0] : undefined);
    assertInScope(scope, communityId ?? null);
    const { topic: created } = await createTopic(txCtx, {
      title: data.title,
      summary: data.summary,
      source: 'resident_recommendation',
      ...(communityId ? { communityId } : {}),
    });
    const { topic } = await screenTopic(txCtx, { topicId: created.id });
    await recordTopicNeeds(txCtx, topic.id, needs);
    const residentCount = countResidents(needs);
    const origin = needs.length === 1 ? 'need' : 'theme';
    await tx.insert(topicOrigins).values({
      topicId: topic.id,
      origin,
      themeTerms: data.themeTerms,
      needCount: needs.length,
      residentCount,
      createdBy: actorStaffId(ctx.actor) ?? null,
      createdAt: ctx.clock.now(),
    });
    await appendAudit(txCtx, {
      action: 'screening.topic_from_needs',
      subjectType: 'topic',
      subjectId: topic.id,
      data: {
        code: topic.code,
        origin,
        needs: needs.length,
        residents: residentCount,
        terms: data.themeTerms,
      },
    });
    return { topic, needCount: needs.length, residentCount };
  });
}
