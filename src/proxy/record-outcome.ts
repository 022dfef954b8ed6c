import { eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { intakes } from '../db/schema.ts';
import { type Outcome, outcomeSchema } from '../pipeline/outcome.ts';

/** The answer the pipeline gave an intake the first time. */
export async function ingestOutcome(ctx: Ctx, intakeId: string): Promise<Outcome> {
  const [row] = await ctx.db
    .select({ outcome: intakes.outcome })
    .from(intakes)
    .where(eq(intakes.id, intakeId));
  if (!row) throw new Error(`intake ${intakeId} is missing`);
  return outcomeSchema.parse(row.outcome);
}
