import { and, eq, gt } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { pendingPrompts } from '../db/schema.ts';

/**
 * Whether a known caller has satisfaction-survey questions waiting (sent by SMS or by a call), so the
 * phone menu offers to answer them. One indexed read: the menu is spoken on every call.
 */
export async function callerHasPendingQuestions(ctx: Ctx, input: { residentId: string }): Promise<boolean> {
  const [row] = await ctx.db
    .select({ residentId: pendingPrompts.residentId })
    .from(pendingPrompts)
    .where(
      and(
        eq(pendingPrompts.residentId, input.residentId),
        eq(pendingPrompts.kind, 'survey_question'),
        gt(pendingPrompts.expiresAt, ctx.clock.now()),
      ),
    )
    .limit(1);
  return row !== undefined;
}
