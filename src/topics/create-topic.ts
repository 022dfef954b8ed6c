import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { communities, type LocalizedText, TOPIC_SOURCES, topics } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { assertMayManageTopics } from './apply-transition.ts';
import { isUuid, parseTopicInput } from './topic-input.ts';
import type { Topic } from './topic-lifecycle.ts';

export const TITLE_MAX = 120;
export const SUMMARY_MAX = 2000;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? undefined : v))
    .optional();

/** Text in each locale; Simplified Chinese is the one every channel can fall back to, so it is required. */
const localizedText = (max: number) =>
  z.object({
    'zh-CN': z.string().trim().min(1).max(max),
    'zh-HK': optionalText(max),
    en: optionalText(max),
  });

export const createTopicInput = z.object({
  title: localizedText(TITLE_MAX),
  summary: localizedText(SUMMARY_MAX),
  source: z.enum(TOPIC_SOURCES),
  communityId: z.string().optional(),
});
export type CreateTopicInput = z.input<typeof createTopicInput>;

function compact(text: z.output<ReturnType<typeof localizedText>>): LocalizedText {
  return Object.fromEntries(Object.entries(text).filter(([, v]) => v !== undefined)) as LocalizedText;
}

/** Records a new topic in `collecting`, from one of the three sources (三源合一). */
export async function createTopic(ctx: Ctx, input: CreateTopicInput): Promise<{ topic: Topic }> {
  assertMayManageTopics(ctx.actor);
  const data = parseTopicInput(createTopicInput, input);
  return ctx.db.transaction(async (tx) => {
    if (data.communityId !== undefined) {
      const [community] = isUuid(data.communityId)
        ? await tx
            .select({ id: communities.id })
            .from(communities)
            .where(eq(communities.id, data.communityId))
            .limit(1)
        : [];
      if (!community) {
        throw new ServiceError('validation_failed', 'topics:errors.invalidInput', {
          fields: [{ field: 'communityId', key: 'topics:validation.unknownCommunity' }],
        });
      }
    }
    const now = ctx.clock.now();
    const [topic] = await tx
      .insert(topics)
      .values({
        title: compact(data.title),
        summary: compact(data.summary),
        source: data.source,
        status: 'collecting',
        communityId: data.communityId ?? null,
        createdBy: actorStaffId(ctx.actor) ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!topic) throw new Error('insert into topics returned no row');
    await appendAudit(withDb(ctx, tx), {
      action: 'topic.create',
      subjectType: 'topic',
      subjectId: topic.id,
      data: { code: topic.code, source: topic.source, communityId: topic.communityId, status: topic.status },
    });
    return { topic };
  });
}
