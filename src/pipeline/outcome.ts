import { z } from 'zod';
import { INTAKE_KINDS, LOCALES } from '../db/schema.ts';

/**
 * The answer to one intake, independent of medium: a message key with parameters in the resident's
 * language. Each channel renders it its own way (an SMS reply, TwiML speech, a kiosk screen).
 */
export const outcomeSchema = z.object({
  kind: z.enum(INTAKE_KINDS),
  /** Namespace-qualified i18n key, e.g. `pipeline:opinion.support`. */
  messageKey: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  locale: z.enum(LOCALES),
  residentId: z.uuid().optional(),
  topicCode: z.string().optional(),
});
export type Outcome = z.infer<typeof outcomeSchema>;
