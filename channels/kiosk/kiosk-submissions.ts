/**
 * What a resident submits at the kiosk — an opinion on a topic or a reported problem — checked the
 * same way whether it comes from a plain HTML form or from the script's offline queue, then handed to
 * the one intake pipeline as channel `kiosk`, anonymously.
 */
import { z } from 'zod';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
import { LOCALES, type Locale, STANCES, type Stance } from '../../src/db/schema.ts';
import { type IngestResult, ingest } from '../../src/pipeline/ingest.ts';
import type { IntakeInput } from '../../src/pipeline/intake.ts';
import { renderOutcome } from '../../src/pipeline/render-outcome.ts';

export const TEXT_MAX = 1000;
export const WHERE_MAX = 200;
/** How far back an offline submission's own timestamp is believed; older or future ones get "now". */
const CLIENT_TIME_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
const CLIENT_CLOCK_SKEW_MS = 5 * 60 * 1000;

export type KioskSubmission =
  | { kind: 'opinion'; topic: string; stance: Stance; text: string }
  | { kind: 'need'; what: string; where: string };

export interface KioskFieldError {
  field: string;
  key: string;
  params?: Record<string, string | number>;
}

/** The raw fields of either form, as strings (absent = empty). */
export interface RawSubmission {
  kind: 'opinion' | 'need';
  topic?: string | undefined;
  stance?: string | undefined;
  text?: string | undefined;
  where?: string | undefined;
}

/** Validates a submission; returns the problems in form order, or the clean submission. */
export function checkSubmission(
  raw: RawSubmission,
): { ok: true; submission: KioskSubmission } | { ok: false; errors: KioskFieldError[] } {
  const text = (raw.text ?? '').trim();
  const errors: KioskFieldError[] = [];
  if (raw.kind === 'opinion') {
    const stance = STANCES.find((s) => s === raw.stance);
    if (!stance) errors.push({ field: 'stance', key: 'kiosk:errors.stanceRequired' });
    if (stance === 'suggestion' && text === '')
      errors.push({ field: 'text', key: 'kiosk:errors.suggestionTextRequired' });
    if (text.length > TEXT_MAX)
      errors.push({ field: 'text', key: 'kiosk:errors.textTooLong', params: { maximum: TEXT_MAX } });
    if (errors.length > 0 || !stance) return { ok: false, errors };
    return { ok: true, submission: { kind: 'opinion', topic: (raw.topic ?? '').trim(), stance, text } };
  }
  const where = (raw.where ?? '').trim();
  if (text === '') errors.push({ field: 'text', key: 'kiosk:errors.needRequired' });
  if (text.length > TEXT_MAX)
    errors.push({ field: 'text', key: 'kiosk:errors.textTooLong', params: { maximum: TEXT_MAX } });
  if (where.length > WHERE_MAX)
    errors.push({ field: 'where', key: 'kiosk:errors.textTooLong', params: { maximum: WHERE_MAX } });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, submission: { kind: 'need', what: text, where } };
}

/** The JSON the kiosk script sends from its queue. */
export const queuedSubmissionSchema = z.object({
  /** Generated on the device when the resident pressed submit; the intake's externalId. */
  id: z.uuid(),
  kind: z.enum(['opinion', 'need']),
  topic: z.string().max(40).optional(),
  stance: z.string().max(20).optional(),
  text: z.string().max(5000).optional(),
  where: z.string().max(1000).optional(),
  lang: z.enum(LOCALES),
  /** When the resident submitted, by the device's clock. */
  at: z.iso.datetime({ offset: true }).optional(),
});
export type QueuedSubmission = z.infer<typeof queuedSubmissionSchema>;

/** The device's timestamp when it is plausible, else the server's time. */
export function receivedAt(now: Date, clientAt: string | undefined): Date {
  if (!clientAt) return now;
  const at = new Date(clientAt);
  const delta = now.getTime() - at.getTime();
  return Number.isNaN(at.getTime()) || delta > CLIENT_TIME_WINDOW_MS || delta < -CLIENT_CLOCK_SKEW_MS
    ? now
    : at;
}

export interface KioskSubmitted extends IngestResult {
  /** The answer, in the resident's language, to show and read aloud. */
  message: string;
}

/**
 * Records one kiosk submission through `ingest`: channel `kiosk`, an anonymous resident, the
 * device- or page-generated id as externalId, so a repeated delivery is stored once.
 */
export async function submitToPipeline(
  deps: Pick<AppDeps, 'i18n' | 'config'>,
  ctx: Ctx,
  input: {
    externalId: string;
    submission: KioskSubmission;
    /** The device's community: an anonymous need is filed where the kiosk stands. */
    communityId: string | null;
    language: Locale;
    at: Date;
  },
): Promise<KioskSubmitted> {
  const { submission } = input;
  const common = {
    channel: 'kiosk',
    externalId: input.externalId,
    actor: { type: 'resident', via: 'kiosk' },
    language: input.language,
    receivedAt: input.at,
  } as const;
  const intake: IntakeInput =
    submission.kind === 'opinion'
      ? {
          ...common,
          declaredKind: 'opinion',
          topicRef: submission.topic || undefined,
          stance: submission.stance,
          text: submission.text || undefined,
        }
      : {
          ...common,
          declaredKind: 'demand',
          text: submission.what,
          location: submission.where || undefined,
          communityId: input.communityId ?? undefined,
        };
  const result = await ingest(ctx, intake, { helpPhone: deps.config.helpPhone });
  return { ...result, message: renderOutcome(deps.i18n, result.outcome) };
}
