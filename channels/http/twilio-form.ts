/**
 * What every Twilio webhook shares: the form it posts, the URL it signed and the signature check.
 * The SMS and voice webhooks and the status callbacks all read their requests through this module, so
 * a request is verified the same way wherever it arrives.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import twilio from 'twilio';

/** Form parameters as Twilio signs them: a repeated name keeps all its values. */
export type TwilioParams = Record<string, string | string[]>;

export function formParams(body: string): TwilioParams {
  const params: TwilioParams = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = params[name];
    params[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return params;
}

/** The first value of a form parameter, as sent. */
export function firstParam(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The exact URL Twilio called: the configured public base URL (never the Host header), the path and
 * the query of the request.
 */
export function signedUrl(publicBaseUrl: string, path: string, requestUrl: string): string {
  const queryStart = requestUrl.indexOf('?');
  return `${publicBaseUrl}${path}${queryStart >= 0 ? requestUrl.slice(queryStart) : ''}`;
}

/**
 * Whether Twilio signed these parameters for this URL with our auth token. The URL exactly as
 * configured is what Twilio signs, so it is tried first, with the twilio package's own signing
 * function; only a signature that does not match it goes through the package's full check, which
 * also tries the URL with and without its port and in its escaped forms. That check parses the URL
 * several times, which would otherwise be a fair part of answering each message.
 */
export function isSignedByTwilio(
  authToken: string,
  signature: string,
  url: string,
  params: TwilioParams,
): boolean {
  const expected = Buffer.from(twilio.getExpectedTwilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
  return twilio.validateRequest(authToken, signature, url, params);
}

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

/** Why a webhook request was not read: not a form, larger than allowed, or not signed by Twilio. */
export type FormRefusal = 'not_form' | 'too_large' | 'unsigned';

export type SignedForm =
  | { ok: true; params: TwilioParams }
  | { ok: false; refusal: FormRefusal; hasSignature: boolean; configured: boolean };

/** What of the configuration a signature is checked against (the application's `Config` fits). */
export interface SigningConfig {
  publicBaseUrl: string;
  twilio?: { authToken: string } | undefined;
}

/** Where the webhook is and how large its requests may be. */
export interface Webhook {
  /** The path Twilio was given for this webhook. */
  path: string;
  /** Largest body accepted, counted as it arrived (a declared length is checked before reading). */
  maxBytes: number;
}

/**
 * Reads a Twilio webhook's form: form-encoded, no larger than allowed, and signed by Twilio over the
 * public URL. Without an auth token nothing can be verified, so every request is refused. Each channel
 * answers a refusal in its own words; none of them acts on what it refused.
 */
export async function readSignedForm(
  c: Context,
  config: SigningConfig,
  webhook: Webhook,
): Promise<SignedForm> {
  const signature = c.req.header('x-twilio-signature');
  const authToken = config.twilio?.authToken;
  const refused = (refusal: FormRefusal): SignedForm => ({
    ok: false,
    refusal,
    hasSignature: Boolean(signature),
    configured: Boolean(authToken),
  });
  if (!FORM_TYPE.test(c.req.header('content-type') ?? '')) return refused('not_form');
  const body = await c.req.text();
  if (Buffer.byteLength(body) > webhook.maxBytes) return refused('too_large');
  const params = formParams(body);
  const url = signedUrl(config.publicBaseUrl, webhook.path, c.req.url);
  if (!authToken || !signature || !isSignedByTwilio(authToken, signature, url, params)) {
    return refused('unsigned');
  }
  return { ok: true, params };
}
