/**
 * JSON logs. Phone numbers never reach them: known fields are redacted and, as a safety net, any
 * run of digits long enough to be a phone number is masked in messages and string fields.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

const REDACT_PATHS = [
  'phone',
  '*.phone',
  'From',
  'To',
  '*.From',
  '*.To',
  'Caller',
  'Called',
  '*.Caller',
  '*.Called',
  'password',
  '*.password',
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
];

const PHONE_LIKE = /(?:\+|\b)\d[\d\s-]{6,}\d\b/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Masks anything that looks like a phone number (7+ digits, optionally with + and separators). */
export function maskPhoneLike(text: string): string {
  return text.replace(PHONE_LIKE, (match) =>
    match.replace(/\D/g, '').length >= 7 && !ISO_DATE.test(match) ? '[phone]' : match,
  );
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhoneLike(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
  return out;
}

export function createLogger(
  options: { level?: string; destination?: DestinationStream; name?: string } = {},
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name ?? 'gateway',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => scrub(a)) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
    },
    options.destination,
  );
}

/** A logger that writes nowhere, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
