import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { PROMPT_KINDS, pendingPrompts } from '../db/schema.ts';

export const setPendingPromptInput = z
  .object({
    residentId: z.uuid(),
    channel: z.enum(['sms', 'voice']),
    kind: z.enum(PROMPT_KINDS),
    topicId: z.uuid().optional(),
    surveyId: z.uuid().optional(),
    questionId: z.uuid().optional(),
    campaignId: z.uuid().optional(),
    deliveryId: z.uuid().optional(),
    /** The proxied record a `proxy_confirmation` prompt asks the resident to confirm. */
    proxyRecordId: z.uuid().optional(),
    /** After this an answer is still stored, but free text no longer counts as a reply to it. */
    expiresAt: z.coerce.date(),
  })
  .superRefine((input, issues) => {
    if (input.kind === 'survey_question') {
      for (const field of ['surveyId', 'questionId'] as const) {
        if (!input[field]) issues.addIssue({ code: 'custom', path: [field], message: 'required' });
      }
    } else if (input.kind === 'proxy_confirmation') {
      if (!input.proxyRecordId)
        issues.addIssue({ code: 'custom', path: ['proxyRecordId'], message: 'required' });
    } else if (!input.topicId) {
      issues.addIssue({ code: 'custom', path: ['topicId'], message: 'required' });
    }
  });
export type SetPendingPromptInput = z.input<typeof setPendingPromptInput>;
export type PendingPromptRow = typeof pendingPrompts.$inferSelect;

/**
 * Remembers what a resident was just asked (a survey question, or a topic notice that asked for 1/2),
 * so that a bare "1" in their reply can be understood. One per resident: a newer prompt replaces an
 * older one. Outreach calls it right after a notice or survey message is handed to the provider.
 */
export async function setPendingPrompt(ctx: Ctx, input: SetPendingPromptInput): Promise<PendingPromptRow> {
  const parsed = setPendingPromptInput.safeParse(input);
  if (!parsed.success) {
    throw new ServiceError('validation_failed', 'sms:prompt.invalid', {
      fields: parsed.error.issues.map((issue) => ({
        field: issue.path.join('.'),
        key: 'pipeline:error.invalidField',
        params: { field: issue.path.join('.') },
      })),
    });
  }
  const p = parsed.data;
  const values = {
    channel: p.channel,
    kind: p.kind,
    topicId: p.topicId ?? null,
    surveyId: p.kind === 'survey_question' ? (p.surveyId ?? null) : null,
    questionId: p.kind === 'survey_question' ? (p.questionId ?? null) : null,
    campaignId: p.campaignId ?? null,
    deliveryId: p.deliveryId ?? null,
    proxyRecordId: p.kind === 'proxy_confirmation' ? (p.proxyRecordId ?? null) : null,
    clarified: false,
    expiresAt: p.expiresAt,
    createdAt: ctx.clock.now(),
  };
  const [row] = await ctx.db
    .insert(pendingPrompts)
    .values({ residentId: p.residentId, ...values })
    .onConflictDoUpdate({ target: pendingPrompts.residentId, set: values })
    .returning();
  if (!row) throw new Error('pending prompt upsert returned nothing');
  return row;
}
