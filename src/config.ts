/**
 * Configuration, parsed once at start from the environment. Nothing else reads `process.env`.
 */
import { z } from 'zod';
import { LOCALES } from './db/schema.ts';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url().optional())
  .optional();

const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => v === 'on' || v === 'true' || v === '1');

export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    DATABASE_URL: optionalUrl,
    DATA_DIR: z.string().min(1).default('./data'),
    REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, _ or -')
      .default('gateway'),
    PUBLIC_BASE_URL: z.url().default('http://localhost:3000'),
    TWILIO_ACCOUNT_SID: optionalString.pipe(
      z
        .string()
        .regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')
        .optional(),
    ),
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_SMS_FROM: optionalString,
    TWILIO_VOICE_FROM: optionalString,
    TWILIO_API_BASE_URL: optionalUrl,
    PII_KEY: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9+/=_-]{43,}$/, 'must be at least 32 random bytes, base64-encoded')
        .optional(),
    ),
    TZ: z
      .string()
      .default('Asia/Shanghai')
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Asia/Shanghai'),
    DEFAULT_LOCALE: z.enum(LOCALES).default('zh-CN'),
    DEMO_DATA: onOff.optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Phone number of the help line, quoted in help replies. */
    HELP_PHONE: z.string().default('12345'),
    /** Set behind a TLS-terminating proxy so that session cookies are marked Secure. */
    COOKIE_SECURE: onOff.optional(),
    /** Outbound SMS per second across all worker processes (the provider's sending rate). */
    SMS_RATE_PER_SECOND: z.coerce.number().positive().max(10_000).default(1),
    /** Outbound calls placed per second across all worker processes. */
    VOICE_CALLS_PER_SECOND: z.coerce.number().positive().max(1_000).default(1),
    /** Outbound calls in progress at once across all worker processes (placement to final status). */
    VOICE_MAX_CONCURRENT_CALLS: z.coerce.number().int().min(1).max(10_000).default(5),
    /** Times a resident is called for one delivery before an unanswered call counts as failed. */
    VOICE_CALL_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    /** Minutes between an unanswered (busy, no-answer, failed) call and the next try. */
    VOICE_RETRY_AFTER_MINUTES: z.coerce.number().int().min(1).max(10_080).default(120),
    /** The office phone a caller pressing 0 is put through to in office hours; unset: a call-back is booked. */
    VOICE_TRANSFER_NUMBER: optionalString,
    /** When a person answers the transfer number, on Chinese working days, in TZ ("HH:MM-HH:MM"). */
    VOICE_OFFICE_HOURS: z
      .string()
      .trim()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must look like 09:00-17:00')
      .refine((v) => v.slice(0, 5) < v.slice(6), 'must open before it closes')
      .default('09:00-17:00'),
  })
  .superRefine((c, ctx) => {
    if (c.DATABASE_URL && !/^postgres(ql)?:\/\//.test(c.DATABASE_URL)) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'must be a postgres:// URL' });
    }
    if (c.DATABASE_URL && !c.PII_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['PII_KEY'],
        message: 'is required when DATABASE_URL is set (generate one with: openssl rand -base64 32)',
      });
    }
    const twilio = [c.TWILIO_ACCOUNT_SID, c.TWILIO_AUTH_TOKEN];
    if (twilio.some(Boolean) && !twilio.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.TWILIO_ACCOUNT_SID ? 'TWILIO_AUTH_TOKEN' : 'TWILIO_ACCOUNT_SID'],
        message: 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set together',
      });
    }
  });

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  port: number;
  host: string;
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };
  dataDir: string;
  redisUrl: string;
  /** Key prefix of every queue: installations sharing one Redis need different prefixes. */
  queuePrefix: string;
  publicBaseUrl: string;
  twilio:
    | {
        accountSid: string;
        authToken: string;
        smsFrom: string | undefined;
        voiceFrom: string | undefined;
        apiBaseUrl: string | undefined;
      }
    | undefined;
  /** Undefined only before `resolvePiiKey` fills it in for the embedded database. */
  piiKey: string | undefined;
  timeZone: string;
  defaultLocale: (typeof LOCALES)[number];
  /** Load the demo street into an empty embedded database at start. */
  demoData: boolean;
  logLevel: RawConfig['LOG_LEVEL'];
  helpPhone: string;
  cookieSecure: boolean;
  /** Outbound SMS per second across all worker processes. */
  smsRatePerSecond: number;
  /** Outbound calls: placement rate, concurrency cap and retries of unanswered calls. */
  voiceCalls: {
    perSecond: number;
    maxConcurrent: number;
    attempts: number;
    retryAfterMs: number;
  };
  /** The inbound phone line: where 0 transfers to, and when someone is there to answer. */
  voiceLine: {
    transferNumber: string | undefined;
    /** Minutes after local midnight (TZ), on Chinese working days. */
    opensAtMinute: number;
    closesAtMinute: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function hhmmMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        message: issue.message,
      })),
    );
  }
  const c = result.data;
  const publicBaseUrl = c.PUBLIC_BASE_URL.replace(/\/+$/, '');
  return {
    port: c.PORT,
    host: c.HOST,
    database: c.DATABASE_URL
      ? { kind: 'postgres', url: c.DATABASE_URL }
      : { kind: 'pglite', dataDir: c.DATA_DIR },
    dataDir: c.DATA_DIR,
    redisUrl: c.REDIS_URL,
    queuePrefix: c.QUEUE_PREFIX,
    publicBaseUrl,
    twilio:
      c.TWILIO_ACCOUNT_SID && c.TWILIO_AUTH_TOKEN
        ? {
            accountSid: c.TWILIO_ACCOUNT_SID,
            authToken: c.TWILIO_AUTH_TOKEN,
            smsFrom: c.TWILIO_SMS_FROM,
            voiceFrom: c.TWILIO_VOICE_FROM,
            apiBaseUrl: c.TWILIO_API_BASE_URL,
          }
        : undefined,
    piiKey: c.PII_KEY,
    timeZone: c.TZ,
    defaultLocale: c.DEFAULT_LOCALE,
    // Demo residents have made-up but valid mobile numbers: never load them next to real data
    // (PostgreSQL) or where messages would really be sent (Twilio configured), unless asked to.
    demoData: !c.DATABASE_URL && (c.DEMO_DATA ?? !(c.TWILIO_ACCOUNT_SID && c.TWILIO_AUTH_TOKEN)),
    logLevel: c.LOG_LEVEL,
    helpPhone: c.HELP_PHONE,
    cookieSecure: c.COOKIE_SECURE ?? publicBaseUrl.startsWith('https://'),
    smsRatePerSecond: c.SMS_RATE_PER_SECOND,
    voiceCalls: {
      perSecond: c.VOICE_CALLS_PER_SECOND,
      maxConcurrent: c.VOICE_MAX_CONCURRENT_CALLS,
      attempts: c.VOICE_CALL_ATTEMPTS,
      retryAfterMs: c.VOICE_RETRY_AFTER_MINUTES * 60_000,
    },
    voiceLine: {
      transferNumber: c.VOICE_TRANSFER_NUMBER,
      opensAtMinute: hhmmMinutes(c.VOICE_OFFICE_HOURS.slice(0, 5)),
      closesAtMinute: hhmmMinutes(c.VOICE_OFFICE_HOURS.slice(6)),
    },
  };
}
