import type { Ctx } from '../core/context.ts';
import { pendingPrompts } from '../db/schema.ts';
import { type PromptIdentity, promptIs } from './prompt-identity.ts';

/**
 * Forgets the resident's pending prompt: the survey is finished, the resident opted out, a late
 * answer was taken. With `expected`, only if that is still the prompt pending. Returns whether one went.
 */
export async function clearPendingPrompt(
  ctx: Ctx,
  input: { residentId: string; expected?: PromptIdentity },
): Promise<{ cleared: boolean }> {
  const gone = await ctx.db
    .delete(pendingPrompts)
    .where(promptIs(input.residentId, input.expected))
    .returning({ residentId: pendingPrompts.residentId });
  return { cleared: gone.length > 0 };
}
