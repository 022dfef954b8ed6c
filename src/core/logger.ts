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

// UUIDs are matched first and kept whole: their digit groups would otherwise look like numbers.
const UUID_OR_PHONE_LIKE =
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|(?:\+|\b)\d[\d\s-]{6,}\d\b/gi;
const UUID = /^[0-9a-f]{8}-/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Masks anything that looks like a phone number (7+ digits, optionally with + and separators). */
export function maskPhoneLike(text: string): string {
  return text.replace(UUID_OR_PHONE_LIKE, (match) =>
    !UUID.test(match) && match.replace(/\D/g, '').length >= 7 && !ISO_DATE.test(match) ? '[phone]' : match,
  );
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhoneLike(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return scrubError(value, depth);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
  return out;
}

/**
 * Provider errors quote the number they refused ("The 'To' number … is not a valid phone number"): mask
 * message, stack and properties on a copy that stays an Error, so pino still serialises it as one.
 */
function scrubError(error: Error, depth: number): Error {
  const copy = Object.create(Object.getPrototypeOf(error)) as Error & Record<string, unknown>;
  for (const [k, v] of Object.entries(error)) copy[k] = scrub(v, depth + 1);
  const hidden = { enumerable: false, writable: true, configurable: true };
  Object.defineProperty(copy, 'message', { ...hidden, value: maskPhoneLike(error.message) });
  if (error.stack !== undefined)
    Object.defineProperty(copy, 'stack', { ...hidden, value: maskPhoneLike(error.stack) });
  if (error.cause !== undefined)
    Object.defineProperty(copy, 'cause', { ...hidden, value: scrub(error.cause, depth + 1) });
  return copy;
}

export function createLogger(
  options: { level?: string; destination?: DestinationStream; name?: string } = {},
): Logger {
  const logger = pino(
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
  // Child-logger bindings bypass the logMethod hook; children inherit this override from the root.
  const baseChild = Object.getPrototypeOf(logger).child as Logger['child'];
  logger.child = function child(this: Logger, bindings, childOptions) {
    return baseChild.call(this, scrub(bindings) as typeof bindings, childOptions);
  } as Logger['child'];
  return logger;
}

/** A logger that writes nowhere, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
