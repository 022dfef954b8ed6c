import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { type TopicOrigin, type TopicSource, topicOrigins } from '../db/schema.ts';
import { assertInScope, communityScope } from '../deliberation/deliberation-scope.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { createTopic, createTopicInput } from '../topics/create-topic.ts';
import { screenTopic } from '../topics/screen-topic.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import type { Topic } from '../topics/topic-lifecycle.ts';
import { SCREENING_MANAGER_ROLES } from './screening-roles.ts';

/** Reports staff type in, and the topic source each one is. */
export const REPORT_ORIGINS = ['grid_visit_report', 'deputy_proposal', 'online_report'] as const;
export type ReportOrigin = (typeof REPORT_ORIGINS)[number] & TopicOrigin;

export const REPORT_SOURCES: Record<ReportOrigin, TopicSource> = {
  grid_visit_report: 'grid_visit',
  deputy_proposal: 'deputy_proposal',
  online_report: 'online',
};

const optionalLine = z
  .string()
  .trim()
  .max(120)
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const createTopicFromReportInput = createTopicInput.omit({ source: true }).extend({
  origin: z.enum(REPORT_ORIGINS),
  /** The proposal's number or the report's reference. */
  reference: optionalLine,
  /** The grid worker or deputy, by name. */
  reportedBy: z.string().trim().min(1).max(120),
});
/** As a form sends it: the origin is checked by the schema. */
export type CreateTopicFromReportInput = Omit<z.input<typeof createTopicFromReportInput>, 'origin'> & {
  origin: string;
};

/**
 * Records a topic put forward in a grid worker's home-visit report, a deputy's proposal or an online
 * discussion staff picked up, and takes it into screening. These are not counted as recommended by
 * residents (see resident-recommended.ts).
 */
export async function createTopicFromReport(
  ctx: Ctx,
  input: CreateTopicFromReportInput,
): Promise<{ topic: Topic }> {
  requireRole(ctx, SCREENING_MANAGER_ROLES);
  const data = parseTopicInput(createTopicFromReportInput, input);
  const scope = await communityScope(ctx);
  assertInScope(scope, data.communityId ?? null);
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx);
    const { topic: created } = await createTopic(txCtx, {
      title: data.title,
      summary: data.summary,
      source: REPORT_SOURCES[data.origin],
      ...(data.communityId ? { communityId: data.communityId } : {}),
    });
    const { topic } = await screenTopic(txCtx, { topicId: created.id });
    await tx.insert(topicOrigins).values({
      topicId: topic.id,
      origin: data.origin,
      reference: data.reference ?? null,
      reportedBy: data.reportedBy,
      createdBy: actorStaffId(ctx.actor) ?? null,
      createdAt: ctx.clock.now(),
    });
    await appendAudit(txCtx, {
      action: 'screening.topic_from_report',
      subjectType: 'topic',
      subjectId: topic.id,
      data: { code: topic.code, origin: data.origin, reference: data.reference ?? null },
    });
    return { topic };
  });
}
