import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { demands, intakes, opinions } from '../db/schema.ts';
import { type IntakeAudio, intakeAudioSchema } from '../pipeline/intake.ts';
import { redactPhoneNumbers } from '../residents/redact-phone-numbers.ts';
import { appendAudit } from '../staff/append-audit.ts';

export const attachCallTranscriptInput = z.object({
  externalId: z.string().min(1).max(200),
  transcript: z.string().trim().min(1).max(10_000),
  /** The recording transcribed; used when the recording's own webhook never arrived. */
  url: z.url().optional(),
  durationSeconds: z.number().nonnegative().optional(),
});

/**
 * Adds the transcript of a recorded message, which Twilio delivers well after the call step, to the
 * intake of that step; an opinion or a need that has no words yet takes the transcript as its text,
 * so staff can read what was said. Words a resident typed or said live are never overwritten.
 * Idempotent; audited. Returns undefined when no intake has this external id.
 */
export async function attachCallTranscript(
  ctx: Ctx,
  input: z.input<typeof attachCallTranscriptInput>,
): Promise<{ intakeId: string; changed: boolean } | undefined> {
  const parsed = attachCallTranscriptInput.safeParse(input);
  if (!parsed.success) throw new ServiceError('validation_failed', 'voice:error.invalidRecording');
  const i = parsed.data;
  const transcript = redactPhoneNumbers(i.transcript);
  return ctx.db.transaction(async (tx) => {
    const [intake] = await tx
      .select({ id: intakes.id, audio: intakes.audio, kind: intakes.kind })
      .from(intakes)
      .where(and(eq(intakes.channel, 'voice'), eq(intakes.externalId, i.externalId)))
      .for('update')
      .limit(1);
    if (!intake) return undefined;
    const before = intakeAudioSchema.safeParse(intake.audio);
    if (before.success && before.data.transcript === transcript) {
      return { intakeId: intake.id, changed: false };
    }
    const url = before.success ? before.data.url : i.url;
    if (!url) {
      // A transcript of a recording the intake never heard of: keep it aside rather than guess.
      ctx.log.warn({ intakeId: intake.id }, 'transcript for an intake without a recording; not attached');
      return { intakeId: intake.id, changed: false };
    }
    const audio: IntakeAudio = {
      ...(before.success ? before.data : {}),
      url,
      durationSeconds: before.success ? before.data.durationSeconds : (i.durationSeconds ?? 0),
      transcript,
    };
    await tx.update(intakes).set({ audio }).where(eq(intakes.id, intake.id));
    const opinion = await tx
      .update(opinions)
      .set({ text: transcript })
      .where(and(eq(opinions.intakeId, intake.id), isNull(opinions.text)))
      .returning({ id: opinions.id });
    const demand = await tx
      .update(demands)
      .set({ text: transcript })
      .where(and(eq(demands.intakeId, intake.id), eq(demands.text, '')))
      .returning({ id: demands.id });
    await appendAudit(
      { ...ctx, db: tx },
      {
        action: 'intake.voice_transcript_attached',
        subjectType: 'intake',
        subjectId: intake.id,
        data: {
          characters: transcript.length,
          replacedTranscript: Boolean(before.success && before.data.transcript),
          opinionTextSet: opinion.length > 0,
          demandTextSet: demand.length > 0,
        },
      },
    );
    return { intakeId: intake.id, changed: true };
  });
}
