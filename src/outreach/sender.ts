/**
 * The port every outbound channel implements (an SMS sender, a voice-call sender). Outreach never
 * knows which provider is behind it; a channel adapter supplies the implementation.
 */
import type { Locale } from '../db/schema.ts';

export const OUTBOUND_CHANNELS = ['sms', 'voice'] as const;
export type OutboundChannel = (typeof OUTBOUND_CHANNELS)[number];

/** One message as handed to a sender. The destination is decrypted at send time, never stored in a job. */
export interface OutboundMessage {
  /** The `outbox_messages` row id; providers may use it as an idempotency key. */
  outboxId: string;
  channel: OutboundChannel;
  residentId: string;
  locale: Locale;
  body: string;
  /** E.164 number, resolved from the resident's encrypted phone just before sending. */
  to: string;
}

export type SendResult =
  | { ok: true; providerId: string }
  | {
      ok: false;
      /** Permanent failures (invalid number, recipient opted out at the carrier) are never retried. */
      permanent: boolean;
      /** Provider error code or short reason; must not contain the phone number. */
      error: string;
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
