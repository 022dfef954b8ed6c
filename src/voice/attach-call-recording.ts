import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { intakes } from '../db/schema.ts';
import { type IntakeAudio, intakeAudioSchema } from '../pipeline/intake.ts';
import { redactPhoneNumbers } from '../residents/redact-phone-numbers.ts';
import { appendAudit } from '../staff/append-audit.ts';

export const attachCallRecordingInput = z.object({
  /** The intake's external id: `CallSid:step`. */
  externalId: z.string().min(1).max(200),
  url: z.url(),
  durationSeconds: z.number().nonnegative(),
  /** What live recognition heard at the step before the recording (a spoken "支持"). */
  speechResult: z.string().max(2_000).optional(),
  confidence: z.number().min(0).max(1).optional(),
});

/**
 * Attaches the spoken message a caller recorded after answering (the reasons for an opinion) to the
 * intake that answer created, so the answer, the recording and its later transcript stay one record.
 * Idempotent: the same recording attached twice changes nothing. Audited, since it changes a stored
 * intake. Returns the intake id, or undefined when no intake has this external id.
 */
export async function attachCallRecording(
  ctx: Ctx,
  input: z.input<typeof attachCallRecordingInput>,
): Promise<{ intakeId: string; changed: boolean } | undefined> {
  const parsed = attachCallRecordingInput.safeParse(input);
  if (!parsed.success) throw new ServiceError('validation_failed', 'voice:error.invalidRecording');
  const i = parsed.data;
  return ctx.db.transaction(async (tx) => {
    const [intake] = await tx
      .select({ id: intakes.id, audio: intakes.audio })
      .from(intakes)
      .where(and(eq(intakes.channel, 'voice'), eq(intakes.externalId, i.externalId)))
      .for('update')
      .limit(1);
    if (!intake) return undefined;
    const before = intakeAudioSchema.safeParse(intake.audio);
    if (before.success && before.data.url === i.url) return { intakeId: intake.id, changed: false };
    const audio: IntakeAudio = {
      ...(before.success ? before.data : {}),
      url: i.url,
      durationSeconds: i.durationSeconds,
      ...(i.speechResult ? { speechResult: redactPhoneNumbers(i.speechResult) } : {}),
      ...(i.confidence === undefined ? {} : { confidence: i.confidence }),
    };
    await tx.update(intakes).set({ audio }).where(eq(intakes.id, intake.id));
    await appendAudit(
      { ...ctx, db: tx },
      {
        action: 'intake.voice_recording_attached',
        subjectType: 'intake',
        subjectId: intake.id,
        data: { durationSeconds: i.durationSeconds, replaced: before.success },
      },
    );
    return { intakeId: intake.id, changed: true };
  });
}
