/**
 * The SMS sender behind outreach: one Twilio Messages request per delivery, with a per-message status
 * callback that carries the delivery id (Twilio's sid alone is not known until the request returns,
 * and a callback may race the worker that stores it).
 */

import type { Logger } from 'pino';
import twilio from 'twilio';
import type { Config } from '../../src/config.ts';
import type { MessageSender, OutboundMessage, SendResult } from '../../src/outreach/sender.ts';
import { createTwilioClient } from './twilio-client.ts';

export const SMS_STATUS_PATH = '/channels/sms/status';

/** The query parameter of the status callback URL that names the delivery. */
export const DELIVERY_ID_PARAM = 'd';

const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;

/**
 * Twilio error codes that no retry can fix: the recipient opted out (21610), the number is invalid
 * (21211), not a mobile (21614), in a region the account may not send to (21408), unreachable from
 * this sender (21612), or the carrier rejected it for good (30003–30007: unreachable, blocked,
 * unknown destination, landline, filtered).
 */
export const PERMANENT_TWILIO_CODES: ReadonlySet<number> = new Set([
  21211, 21408, 21610, 21612, 21614, 30003, 30004, 30005, 30006, 30007,
]);

/**
 * Codes that mean "too much at once": the account's queue is full (21611, 30001) or too many
 * concurrent requests (20429). Retrying later succeeds.
 */
export const TRANSIENT_TWILIO_CODES: ReadonlySet<number> = new Set([20429, 21611, 30001]);

/** The URL Twilio calls with this delivery's status changes. */
export function smsStatusCallbackUrl(publicBaseUrl: string, deliveryId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${SMS_STATUS_PATH}?${DELIVERY_ID_PARAM}=${encodeURIComponent(deliveryId)}`;
}

type FailedSend = Extract<SendResult, { ok: false }>;

/** Network errors raised before a request could leave: Twilio cannot have received it. */
const NEVER_CONNECTED: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

interface RestLikeError {
  status: number;
  code?: number;
}

function isRestException(error: unknown): error is RestLikeError {
  if (error instanceof twilio.RestException) return true;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { status?: unknown }).status === 'number' &&
    (error as { name?: unknown }).name !== 'AxiosError'
  );
}

/**
 * Classifies whatever a Twilio API call threw. Only codes, statuses and error names are kept: Twilio's
 * messages quote the number they refused, and the SDK's errors carry the request body.
 */
export function classifyTwilioError(error: unknown): FailedSend {
  if (isRestException(error)) {
    const { status, code } = error;
    const codeText = code !== undefined ? String(code) : undefined;
    const reason = codeText ?? `http_${status}`;
    if (code !== undefined && PERMANENT_TWILIO_CODES.has(code)) {
      return { ok: false, permanent: true, error: reason, code: codeText };
    }
    if (code !== undefined && TRANSIENT_TWILIO_CODES.has(code)) {
      return { ok: false, permanent: false, error: reason, code: codeText };
    }
    const permanent = status >= 400 && status < 500 && status !== 429;
    return { ok: false, permanent, error: reason, code: codeText };
  }
  // Anything else failed on the way: worth another try. Only a connection that never opened proves
  // Twilio did not get the message; after a timeout or a reset it may have, so a retry is flagged.
  const netCode = (error as { code?: unknown } | null)?.code;
  if (netCode === 'ECONNABORTED' || netCode === 'ETIMEDOUT') {
    return { ok: false, permanent: false, error: 'timeout', uncertain: true };
  }
  if (typeof netCode === 'string' && /^[A-Z_]+$/.test(netCode)) {
    const error = `network:${netCode}`;
    return NEVER_CONNECTED.has(netCode)
      ? { ok: false, permanent: false, error }
      : { ok: false, permanent: false, error, uncertain: true };
  }
  return { ok: false, permanent: false, error: 'network', uncertain: true };
}

export interface TwilioSmsSenderDeps {
  config: Pick<Config, 'twilio' | 'publicBaseUrl'>;
  log: Logger;
  /** A client built elsewhere (the default is built from `config.twilio`). */
  client?: twilio.Twilio;
  timeoutMs?: number;
}

/**
 * The outreach `MessageSender` for SMS over Twilio's Messages API. `TWILIO_SMS_FROM` may be a phone
 * number or a Messaging Service SID (MG…). Requires `config.twilio` with `smsFrom`.
 */
export function createTwilioSmsSender(deps: TwilioSmsSenderDeps): MessageSender {
  const settings = deps.config.twilio;
  if (!settings?.smsFrom) {
    throw new Error('The Twilio SMS sender needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_SMS_FROM');
  }
  const client =
    deps.client ?? createTwilioClient(settings, deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {});
  const sender = MESSAGING_SERVICE_SID.test(settings.smsFrom)
    ? { messagingServiceSid: settings.smsFrom }
    : { from: settings.smsFrom };
  const log = deps.log.child({ component: 'twilio-sms' });

  return {
    async send(message: OutboundMessage): Promise<SendResult> {
      try {
        const created = await client.messages.create({
          to: message.to,
          ...sender,
          body: message.body,
          statusCallback: smsStatusCallbackUrl(deps.config.publicBaseUrl, message.outboxId),
        });
        return { ok: true, providerId: created.sid };
      } catch (error) {
        const result = classifyTwilioError(error);
        log.debug(
          {
            deliveryId: message.outboxId,
            error: result.error,
            permanent: result.permanent,
            httpStatus: isRestException(error) ? error.status : undefined,
          },
          'twilio did not accept the message',
        );
        return result;
      }
    },
  };
}
