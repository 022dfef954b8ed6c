/**
 * The voice sender behind outreach: one Twilio Calls request per call attempt. The answer URL names the
 * delivery (what the call is about); the status callback names the delivery and the attempt, so that a
 * late callback of an earlier call is never taken for the current one's. Answering machines are
 * detected so that a voicemail gets a short message instead of a survey nobody hears.
 */

import type { Logger } from 'pino';
import type twilio from 'twilio';
import type { Config } from '../../src/config.ts';
import type { MessageSender, OutboundMessage, SendResult } from '../../src/outreach/sender.ts';
import { createTwilioClient } from '../sms/twilio-client.ts';
import { classifyTwilioError } from '../sms/twilio-sms-sender.ts';

/** Twilio fetches what to say here when the call is answered (by a person or a machine). */
export const VOICE_OUTBOUND_PATH = '/channels/voice/outbound';
/** Twilio reports the call's progress here. */
export const VOICE_STATUS_PATH = '/channels/voice/status';

/** Query parameter naming the delivery, on both URLs. */
export const DELIVERY_PARAM = 'delivery';
/** Query parameter naming the attempt, on the status callback URL. */
export const ATTEMPT_PARAM = 'attempt';

/** How long the phone rings before Twilio reports no-answer. Elderly residents need time to reach it. */
export const RING_SECONDS = 40;
/**
 * The longest a call may last: a survey takes a few minutes even slowly; the cap also bounds how long
 * a call whose final status callback never arrives can hold a concurrency slot.
 */
export const CALL_TIME_LIMIT_SECONDS = 20 * 60;
/** Seconds Twilio may take to tell a person from a machine before answering with `unknown`. */
export const MACHINE_DETECTION_TIMEOUT_SECONDS = 30;

function base(publicBaseUrl: string): string {
  return publicBaseUrl.replace(/\/+$/, '');
}

/** The answer URL of a delivery's calls. */
export function outboundCallUrl(publicBaseUrl: string, deliveryId: string): string {
  return `${base(publicBaseUrl)}${VOICE_OUTBOUND_PATH}?${DELIVERY_PARAM}=${encodeURIComponent(deliveryId)}`;
}

/** The status callback URL of one call attempt of a delivery. */
export function callStatusCallbackUrl(publicBaseUrl: string, deliveryId: string, attempt: number): string {
  const query = `${DELIVERY_PARAM}=${encodeURIComponent(deliveryId)}&${ATTEMPT_PARAM}=${attempt}`;
  return `${base(publicBaseUrl)}${VOICE_STATUS_PATH}?${query}`;
}

export interface TwilioVoiceSenderDeps {
  config: Pick<Config, 'twilio' | 'publicBaseUrl'>;
  log: Logger;
  /** A client built elsewhere (the default is built from `config.twilio`). */
  client?: twilio.Twilio;
  timeoutMs?: number;
}

/**
 * The outreach `MessageSender` for calls over Twilio's Calls API, from `TWILIO_VOICE_FROM`. A call
 * accepted by Twilio is `sent`; whether anybody answered arrives later at the status callback.
 */
export function createTwilioVoiceSender(deps: TwilioVoiceSenderDeps): MessageSender {
  const settings = deps.config.twilio;
  if (!settings?.voiceFrom) {
    throw new Error(
      'The Twilio voice sender needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_VOICE_FROM',
    );
  }
  const from = settings.voiceFrom;
  const client =
    deps.client ?? createTwilioClient(settings, deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {});
  const log = deps.log.child({ component: 'twilio-voice' });

  return {
    async send(message: OutboundMessage): Promise<SendResult> {
      const attempt = message.attempt ?? 1;
      try {
        const call = await client.calls.create({
          to: message.to,
          from,
          url: outboundCallUrl(deps.config.publicBaseUrl, message.outboxId),
          method: 'POST',
          // Without StatusCallbackEvent Twilio reports only the end of the call (completed, busy,
          // no-answer, failed, canceled): all a delivery needs, and one request per call.
          statusCallback: callStatusCallbackUrl(deps.config.publicBaseUrl, message.outboxId, attempt),
          statusCallbackMethod: 'POST',
          // Waiting for the greeting to end means the message lands on the recording, not under it.
          machineDetection: 'DetectMessageEnd',
          machineDetectionTimeout: MACHINE_DETECTION_TIMEOUT_SECONDS,
          timeout: RING_SECONDS,
          timeLimit: CALL_TIME_LIMIT_SECONDS,
        });
        return { ok: true, providerId: call.sid };
      } catch (error) {
        const result = classifyTwilioError(error);
        log.debug(
          { deliveryId: message.outboxId, attempt, error: result.error, permanent: result.permanent },
          'twilio did not accept the call',
        );
        return result;
      }
    },
  };
}
