/**
 * The port every outbound channel implements (an SMS sender, a voice-call sender). Outreach never
 * knows which provider is behind it; a channel adapter supplies the implementation.
 */
import type { Locale } from '../db/schema.ts';

export const OUTBOUND_CHANNELS = ['sms', 'voice'] as const;
export type OutboundChannel = (typeof OUTBOUND_CHANNELS)[number];

/** One message as handed to a sender. The destination is decrypted at send time, never stored in a job. */
export interface OutboundMessage {
  /** The `deliveries` row id; providers may use it as an idempotency key and in status callbacks. */
  outboxId: string;
  channel: OutboundChannel;
  residentId: string;
  locale: Locale;
  body: string;
  /** E.164 number, resolved from the resident's encrypted phone just before sending. */
  to: string;
  /**
   * Which try at this delivery this is (1 for the first). A call's status callbacks carry it, so that a
   * late callback of an earlier call cannot be taken for the current one's.
   */
  attempt?: number;
}

export type SendResult =
  | { ok: true; providerId: string }
  | {
      ok: false;
      /** Permanent failures (invalid number, recipient opted out at the carrier) are never retried. */
      permanent: boolean;
      /** Provider error code or short reason; must not contain the phone number. */
      error: string;
      /** The provider's own error code (Twilio's 21610, say), when it gave one. */
      code?: string;
      /**
       * The request may have reached the provider although no answer came back (a timeout after the
       * request was sent): a retry is then flagged as a possible duplicate.
       */
      uncertain?: boolean;
    };

export interface MessageSender {
  send(message: OutboundMessage): Promise<SendResult>;
}

/** The senders this installation has; a channel without one keeps its messages in the local outbox. */
export type Senders = Partial<Record<OutboundChannel, MessageSender>>;

/** True when a message on `channel` can actually leave the system. */
export function canSend(senders: Senders | undefined, channel: OutboundChannel): boolean {
  return senders?.[channel] !== undefined;
}
