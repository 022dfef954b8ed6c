/**
 * The external id of what a caller said at one step of one call: `CallSid:step`. The pipeline stores
 * one intake per (channel, external id), so a webhook Twilio delivers twice is one record, and the
 * recording and transcript that arrive later find the intake their step created.
 */
export function callStepId(callSid: string, step: string): string {
  return `${callSid}:${step}`;
}

/** Steps whose recording belongs to an intake: an opinion's reasons, or a need. */
const RECORDING_STEP = /^(?:opinion:T\d{1,9}|need)$/;
const RECORDING_SID = /^RE[0-9a-fA-F]{32}$/;

/** Whether `step` (carried in a recording or transcription callback URL) is one that stores an intake. */
export function isRecordingStep(step: string): boolean {
  return RECORDING_STEP.test(step);
}

/**
 * The external id of the intake a recording belongs to. An opinion's reasons join the opinion given
 * at `opinion:T23`; each need is its own intake, named by the recording (a caller may report several
 * in one call, and the recording's callback and transcription callback both carry its sid).
 * Undefined when a need's recording sid is missing or malformed.
 */
export function recordingIntakeId(
  callSid: string,
  step: string,
  recordingSid: string | undefined,
): string | undefined {
  if (step === 'need') {
    return recordingSid && RECORDING_SID.test(recordingSid)
      ? callStepId(callSid, `need:${recordingSid}`)
      : undefined;
  }
  return isRecordingStep(step) ? callStepId(callSid, step) : undefined;
}
