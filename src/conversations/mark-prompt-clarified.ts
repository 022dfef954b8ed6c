import type { Ctx } from '../core/context.ts';
import { pendingPrompts } from '../db/schema.ts';
import { type PromptIdentity, promptIs } from './prompt-identity.ts';

/** Records that a clarifying reply was sent for this prompt, so no second one follows. */
export async function markPromptClarified(
  ctx: Ctx,
  input: { residentId: string; expected: PromptIdentity },
): Promise<{ marked: boolean }> {
  const rows = await ctx.db
    .update(pendingPrompts)
    .set({ clarified: true })
    .where(promptIs(input.residentId, input.expected))
    .returning({ residentId: pendingPrompts.residentId });
  return { marked: rows.length > 0 };
}
