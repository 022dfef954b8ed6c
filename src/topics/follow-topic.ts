import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { topicFollowers } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { findTopic, topicNotFound } from './apply-transition.ts';
import { isUuid } from './topic-input.ts';

export const followTopicInput = z.object({
  topicId: z.string(),
  residentId: z.uuid(),
  /** How the resident wants to hear about the topic's progress. */
  channel: z.enum(['sms', 'voice']),
});
export type FollowTopicInput = z.input<typeof followTopicInput>;

/**
 * Records that a resident wants notices about a topic's progress by SMS or phone call (their consent
 * to be contacted, so it is audited). Following again only changes the channel.
 */
export async function followTopic(ctx: Ctx, input: FollowTopicInput): Promise<{ created: boolean }> {
  const data = followTopicInput.parse(input);
  if (!isUuid(data.topicId)) throw topicNotFound();
  return ctx.db.transaction(async (tx) => {
    const topic = await findTopic(tx, data.topicId);
    if (!topic) throw topicNotFound();
    const [existing] = await tx
      .select({ channel: topicFollowers.channel })
      .from(topicFollowers)
      .where(and(eq(topicFollowers.topicId, topic.id), eq(topicFollowers.residentId, data.residentId)));
    if (existing?.channel === data.channel) return { created: false };
    await tx
      .insert(topicFollowers)
      .values({
        topicId: topic.id,
        residentId: data.residentId,
        channel: data.channel,
        createdAt: ctx.clock.now(),
      })
      .onConflictDoUpdate({
        target: [topicFollowers.topicId, topicFollowers.residentId],
        set: { channel: data.channel },
      });
    const created = existing === undefined;
    await appendAudit(withDb(ctx, tx), {
      action: created ? 'topic.followed' : 'topic.follow_changed',
      subjectType: 'topic',
      subjectId: topic.id,
      data: { residentId: data.residentId, channel: data.channel },
    });
    return { created };
  });
}
