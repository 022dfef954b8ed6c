import { eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { residents } from '../db/schema.ts';
import type { Resident } from '../residents/find-or-create-resident-by-phone.ts';
import { normalisePhone } from '../residents/normalise-phone.ts';

/**
 * The resident whose number is calling, if the gateway knows it. Nobody is created: a caller the
 * gateway does not know takes part anonymously, and withheld numbers ("anonymous") are simply unknown.
 */
export async function identifyCaller(
  ctx: Ctx,
  input: { from: string | undefined },
): Promise<Resident | undefined> {
  const e164 = input.from ? normalisePhone(input.from) : undefined;
  if (!e164) return undefined;
  const [resident] = await ctx.db
    .select()
    .from(residents)
    .where(eq(residents.phoneHash, ctx.pii.phoneHash(e164)))
    .limit(1);
  return resident;
}
