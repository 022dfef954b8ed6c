/**
 * Helpers for tests of Twilio webhooks (SMS now, voice too): requests signed with the `twilio` package's
 * own signing function, exactly as Twilio signs them, and a reader for TwiML replies. Test-only.
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

export const TEST_TWILIO_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const TEST_TWILIO_AUTH_TOKEN = 'test-auth-token-4f1c9e2a7b3d';
/** The public address Twilio is configured to call; the app itself is reached at another one. */
export const TEST_PUBLIC_BASE_URL = 'https://hall.example.org';
/** Where test requests actually arrive, as behind a TLS-terminating proxy. */
export const TEST_INTERNAL_ORIGIN = 'http://127.0.0.1:3000';

/** Environment for `createTestAppDeps(database, { env })` with Twilio configured. */
export function twilioTestEnv(): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: TEST_TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: TEST_TWILIO_AUTH_TOKEN,
    PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
  };
}

function sid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

export const newMessageSid = (): string => sid('SM');
export const newCallSid = (): string => sid('CA');

/** The form fields Twilio posts for an inbound SMS, with `extra` laid over them. */
export function smsWebhookParams(input: {
  from: string;
  body: string;
  messageSid?: string;
  to?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  const messageSid = input.messageSid ?? newMessageSid();
  return {
    ToCountry: 'CN',
    ToState: '',
    SmsMessageSid: messageSid,
    NumMedia: '0',
    ToCity: '',
    FromZip: '',
    SmsSid: messageSid,
    FromState: '',
    SmsStatus: 'received',
    FromCity: '',
    Body: input.body,
    FromCountry: 'CN',
    To: input.to ?? '+8610690000123',
    MessagingServiceSid: `MG${'ab'.repeat(16)}`,
    ToZip: '',
    NumSegments: '1',
    MessageSid: messageSid,
    AccountSid: TEST_TWILIO_ACCOUNT_SID,
    From: input.from,
    ApiVersion: '2010-04-01',
    ...input.extra,
  };
}

export interface SignedWebhookOptions {
  /** Path (and query) on the app, e.g. `/channels/sms/inbound`. */
  path: string;
  params: Record<string, string>;
  /** Signs with this token instead of the test one (a forgery). */
  authToken?: string;
  /** Signs over this base URL instead of the public one. */
  signedBaseUrl?: string;
  /** Sends this signature instead; `null` sends none. */
  signature?: string | null;
  /** Changes the form after signing, as a tampering proxy would. */
  tamper?: (params: Record<string, string>) => Record<string, string>;
  headers?: Record<string, string>;
}

/** The X-Twilio-Signature Twilio would send for these parameters at this URL. */
export function twilioSignature(
  url: string,
  params: Record<string, string>,
  authToken = TEST_TWILIO_AUTH_TOKEN,
) {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/** A form POST as Twilio makes it, signed over the public URL, addressed to the internal origin. */
export function signedWebhookRequest(options: SignedWebhookOptions): Request {
  const url = `${options.signedBaseUrl ?? TEST_PUBLIC_BASE_URL}${options.path}`;
  const signature =
    options.signature === undefined
      ? twilioSignature(url, options.params, options.authToken)
      : options.signature;
  const sent = options.tamper ? options.tamper({ ...options.params }) : options.params;
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'TwilioProxy/1.1',
    ...(signature === null ? {} : { 'x-twilio-signature': signature }),
    ...options.headers,
  };
  return new Request(`${TEST_INTERNAL_ORIGIN}${options.path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(sent).toString(),
  });
}

/** Anything with Hono's `request` method. */
export interface RequestTarget {
  request(input: Request): Response | Promise<Response>;
}

/** Sends a signed webhook to the app. */
export async function postSignedWebhook(
  app: RequestTarget,
  options: SignedWebhookOptions,
): Promise<Response> {
  return app.request(signedWebhookRequest(options));
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The texts of the `<Message>` elements of a TwiML reply, unescaped. */
export function twimlMessages(xml: string): string[] {
  return [...xml.matchAll(/<Message(?:\s[^>]*)?>([\s\S]*?)<\/Message>/g)].map((m) =>
    (m[1] ?? '').replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_ENTITIES[name] ?? ''),
  );
}
