import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { CALL_DIRECTIONS, CALL_STATUSES, LOCALES, voiceCalls } from '../db/schema.ts';
import { getVoiceCall, type VoiceCall } from './get-voice-call.ts';
import { jsonValue } from './update-voice-call.ts';

export const CALL_SID = /^CA[0-9a-fA-F]{32}$/;

export const startVoiceCallInput = z.object({
  callSid: z.string().regex(CALL_SID),
  direction: z.enum(CALL_DIRECTIONS),
  residentId: z.uuid().optional(),
  deliveryId: z.uuid().optional(),
  locale: z.enum(LOCALES).optional(),
  slowSpeech: z.boolean().optional(),
  status: z.enum(CALL_STATUSES).optional(),
  /** Where the flow starts; kept only by the request that creates the call. */
  state: z.record(z.string(), jsonValue).optional(),
});
export type StartVoiceCallInput = z.input<typeof startVoiceCallInput>;

/**
 * Opens the record of one phone call. Idempotent per CallSid: Twilio may request the first webhook
 * twice (connect retries), and the second request must find the call as the first left it.
 */
export async function startVoiceCall(
  ctx: Ctx,
  input: StartVoiceCallInput,
): Promise<{ call: VoiceCall; created: boolean }> {
  const parsed = startVoiceCallInput.safeParse(input);
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
  const [inserted] = await ctx.db
    .insert(voiceCalls)
    .values({
      callSid: i.callSid,
      direction: i.direction,
      residentId: i.residentId ?? null,
      deliveryId: i.deliveryId ?? null,
      locale: i.locale ?? null,
      slowSpeech: i.slowSpeech ?? false,
      state: i.state ?? {},
      status: i.status ?? 'in-progress',
      startedAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: voiceCalls.callSid })
    .returning();
  if (inserted) return { call: inserted, created: true };
  const existing = await getVoiceCall(ctx, i.callSid);
  if (!existing) throw new Error('voice call vanished after a call_sid conflict');
  return { call: existing, created: false };
}
