import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { type OptOutChannel, residentOptOuts } from '../db/schema.ts';

/** Whether a resident has opted out of a channel (no record means opted in). */
export async function isOptedOut(
  ctx: Ctx,
  input: { residentId: string; channel: OptOutChannel },
): Promise<boolean> {
  const [row] = await ctx.db
    .select({ optedOut: residentOptOuts.optedOut })
    .from(residentOptOuts)
    .where(and(eq(residentOptOuts.residentId, input.residentId), eq(residentOptOuts.channel, input.channel)))
    .limit(1);
  return row?.optedOut ?? false;
}
