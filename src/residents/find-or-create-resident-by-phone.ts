import { eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { type Locale, residents } from '../db/schema.ts';
import { normalisePhone } from './normalise-phone.ts';

export type Resident = typeof residents.$inferSelect;

export interface FindOrCreateResidentByPhoneInput {
  /** The number as received, in any common spelling. */
  phone: string;
  /** Language to remember for a resident created now. */
  preferredLocale?: Locale;
}

/**
 * The resident behind a phone number, created on first contact; undefined when the number is not a
 * valid phone number. Safe under concurrency: two first contacts from one number make one resident.
 * Inside a transaction, a creation is undone if the transaction rolls back.
 */
export async function findOrCreateResidentByPhone(
  ctx: Ctx,
  input: FindOrCreateResidentByPhoneInput,
): Promise<{ resident: Resident; created: boolean } | undefined> {
  const e164 = normalisePhone(input.phone);
  if (!e164) return undefined;
  const phoneHash = ctx.pii.phoneHash(e164);
  const byHash = async () =>
    (await ctx.db.select().from(residents).where(eq(residents.phoneHash, phoneHash)).limit(1))[0];

  const existing = await byHash();
  if (existing) return { resident: existing, created: false };

  const now = ctx.clock.now();
  // A concurrent first contact may insert the same number between the lookup and here; the
  // conflict clause waits for it and then yields to it instead of failing.
  const [inserted] = await ctx.db
    .insert(residents)
    .values({
      phoneHash,
      phoneCipher: ctx.pii.encryptPhone(e164),
      preferredLocale: input.preferredLocale,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: residents.phoneHash })
    .returning();
  if (inserted) return { resident: inserted, created: true };

  const winner = await byHash();
  if (!winner) throw new Error('resident vanished after a phone-hash conflict');
  return { resident: winner, created: false };
}
