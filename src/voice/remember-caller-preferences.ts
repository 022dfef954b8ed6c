import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { LOCALES, residents } from '../db/schema.ts';

export const rememberCallerPreferencesInput = z.object({
  residentId: z.uuid(),
  locale: z.enum(LOCALES).optional(),
  slowSpeech: z.boolean().optional(),
});

/**
 * Keeps a known caller's choices for the next call: the language they picked (so the language menu
 * is skipped) and slower speech. The resident made the choice on the phone, so no audit entry.
 */
export async function rememberCallerPreferences(
  ctx: Ctx,
  input: z.input<typeof rememberCallerPreferencesInput>,
): Promise<void> {
  const parsed = rememberCallerPreferencesInput.safeParse(input);
  if (!parsed.success) throw new ServiceError('validation_failed', 'voice:error.invalidCall');
  const { residentId, locale, slowSpeech } = parsed.data;
  if (locale === undefined && slowSpeech === undefined) return;
  await ctx.db
    .update(residents)
    .set({
      ...(locale ? { preferredLocale: locale } : {}),
      ...(slowSpeech === undefined ? {} : { slowSpeech }),
      updatedAt: ctx.clock.now(),
    })
    .where(eq(residents.id, residentId));
}
