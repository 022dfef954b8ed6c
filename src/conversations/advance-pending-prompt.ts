import type { Ctx } from '../core/context.ts';
import { pendingPrompts } from '../db/schema.ts';
import { promptIs } from './prompt-identity.ts';

/**
 * Moves a survey prompt on to the next question, keeping its campaign, delivery and expiry, and
 * allowing one clarifying reply again. Only if the answered question is still the one pending.
 */
export async function advancePendingPrompt(
  ctx: Ctx,
  input: { residentId: string; surveyId: string; fromQuestionId: string; toQuestionId: string },
): Promise<{ advanced: boolean }> {
  const rows = await ctx.db
    .update(pendingPrompts)
    .set({ questionId: input.toQuestionId, clarified: false, createdAt: ctx.clock.now() })
    .where(
      promptIs(input.residentId, {
        kind: 'survey_question',
        surveyId: input.surveyId,
        questionId: input.fromQuestionId,
      }),
    )
    .returning({ residentId: pendingPrompts.residentId });
  return { advanced: rows.length > 0 };
}
