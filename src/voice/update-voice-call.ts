import { eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { CALL_STATUSES, FINAL_CALL_STATUSES, type JsonValue, LOCALES, voiceCalls } from '../db/schema.ts';
import type { VoiceCall } from './get-voice-call.ts';

/** Any JSON value: what a call's state may hold. */
export const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

export const updateVoiceCallInput = z.object({
  callSid: z.string().min(1).max(64),
  locale: z.enum(LOCALES).optional(),
  slowSpeech: z.boolean().optional(),
  /** Replaces the whole state: read the call, change what the flow owns, write it back. */
  state: z.record(z.string(), jsonValue).optional(),
  status: z.enum(CALL_STATUSES).optional(),
});
export type UpdateVoiceCallInput = z.input<typeof updateVoiceCallInput>;

/**
 * Changes a call's language, speech rate, flow state or status. A call that has ended stays ended:
 * status callbacks arrive in any order, so a late 'ringing' never reopens a 'completed' call.
 * Returns undefined when there is no such call.
 */
export async function updateVoiceCall(ctx: Ctx, input: UpdateVoiceCallInput): Promise<VoiceCall | undefined> {
  const parsed = updateVoiceCallInput.safeParse(input);
  if (!parsed.success) {
    throw new ServiceError('validation_failed', 'voice:error.invalidCall', {
      fields: parsed.error.issues.map((issue) => ({
        field: issue.path.join('.'),
        key: 'voice:error.invalidCall',
      })),
    });
  }
  const i = parsed.data;
  const now = ctx.clock.now();
  const ended = inArray(voiceCalls.status, [...FINAL_CALL_STATUSES]);
  // One statement: the guard against reopening an ended call is evaluated in the row's own update.
  const [updated] = await ctx.db
    .update(voiceCalls)
    .set({
      ...(i.locale ? { locale: i.locale } : {}),
      ...(i.slowSpeech === undefined ? {} : { slowSpeech: i.slowSpeech }),
      ...(i.state ? { state: i.state } : {}),
      ...(i.status
        ? {
            status: sql`case when ${ended} then ${voiceCalls.status} else ${i.status} end`,
            ...(FINAL_CALL_STATUSES.includes(i.status)
              ? { endedAt: sql`coalesce(${voiceCalls.endedAt}, ${now.toISOString()}::timestamptz)` }
              : {}),
          }
        : {}),
      updatedAt: now,
    })
    .where(eq(voiceCalls.callSid, i.callSid))
    .returning();
  return updated;
}
