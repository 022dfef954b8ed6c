/**
 * What outreach verbs need beyond the context: translations for the fixed parts of a message, the
 * installation's default language, which channels can actually send, and where send jobs go.
 */
import type { Locale } from '../db/schema.ts';
import type { I18n } from '../i18n/i18n.ts';
import type { OutboundChannel, Senders } from './sender.ts';

/** One send job: the job id is the delivery id, the channel picks the (rate-limited) queue. */
export interface DeliveryJob {
  deliveryId: string;
  channel: OutboundChannel;
  /** Wait this long first (until the resident's quiet hours end). */
  delayMs?: number;
}

/**
 * The port to the job queue. Enqueueing is idempotent per delivery id; the database stays the source
 * of truth and a periodic sweep enqueues whatever was written but never reached the queue.
 */
export interface DeliveryQueue {
  enqueue(jobs: readonly DeliveryJob[]): Promise<void>;
  /** Withdraws jobs that have not started (a cancelled campaign). */
  remove(jobs: readonly Pick<DeliveryJob, 'deliveryId' | 'channel'>[]): Promise<void>;
  /** Jobs waiting, delayed or running, over all channels: fewer than pending deliveries means some were lost. */
  pendingCount(): Promise<number>;
}

export interface OutreachEnv {
  i18n: I18n;
  /** The language for residents who never said which they prefer. */
  defaultLocale: Locale;
  /** Channels that can send; undefined means not known here (the worker decides when it sends). */
  senders?: Senders | undefined;
  /** Where send jobs go; without one, deliveries wait for the sweep to enqueue them. */
  queue?: DeliveryQueue | undefined;
}
