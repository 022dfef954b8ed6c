import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { assertInScope, communityScope } from '../deliberation/deliberation-scope.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { findTopic, topicNotFound } from '../topics/apply-transition.ts';
import { isFinalStatus, type Topic } from '../topics/topic-lifecycle.ts';
import { loadUnscreenedNeeds } from './list-unscreened-needs.ts';
import { recordTopicNeeds } from './record-screened-needs.ts';
import { needIdsField, needsAlreadyScreened, parseScreeningInput } from './screening-input.ts';
import { SCREENING_MANAGER_ROLES } from './screening-roles.ts';

export const linkNeedsToTopicInput = z.object({ needIds: needIdsField, topicId: z.string() });

/**
 * Adds needs that arrived later to a topic that already exists (another resident asking for the same
 * lift), so they count for it and their residents hear about it with its participants.
 */
export async function linkNeedsToTopic(
  ctx: Ctx,
  input: z.input<typeof linkNeedsToTopicInput>,
): Promise<{ topic: Topic; linked: number }> {
  requireRole(ctx, SCREENING_MANAGER_ROLES);
  const data = parseScreeningInput(linkNeedsToTopicInput, input);
  const scope = await communityScope(ctx);
  return ctx.db.transaction(async (tx) => {
    const topic = await findTopic(tx, data.topicId);
    if (!topic) throw topicNotFound();
    assertInScope(scope, topic.communityId);
    if (isFinalStatus(topic.status)) {
      throw new ServiceError('illegal_transition', 'deliberation:errors.topicFinished', {
        fields: [{ field: 'topicId', key: 'deliberation:errors.topicFinished' }],
      });
    }
    const { needs } = await loadUnscreenedNeeds(tx, scope, { ids: data.needIds });
    if (needs.length !== data.needIds.length) throw needsAlreadyScreened();
    await recordTopicNeeds(withDb(ctx, tx), topic.id, needs);
    await appendAudit(withDb(ctx, tx), {
      action: 'screening.link_needs',
      subjectType: 'topic',
      subjectId: topic.id,
      data: { code: topic.code, needs: needs.length },
    });
    return { topic, linked: needs.length };
  });
}
