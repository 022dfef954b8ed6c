import type { AccessibilityNeed, ContactChannel } from '../db/schema.ts';
import type { OutboundChannel, Senders } from './sender.ts';

/** How a resident is reached: a channel that sends, or a proxy writer's home visit. */
export type ContactRoute = OutboundChannel | 'visit';

export interface ContactFacts {
  hasPhone: boolean;
  preferredChannel: ContactChannel;
  accessibilityNeeds: readonly AccessibilityNeed[];
}

/**
 * Where a message for this resident goes. Someone who cannot read never gets a text: a voice call when
 * a voice sender exists, else a home visit. A preference for voice falls back to SMS when there is no
 * voice sender. `senders` undefined means "not known here": voice is assumed possible and the worker,
 * which knows, decides again before sending.
 */
export function contactRoute(facts: ContactFacts, senders: Senders | undefined): ContactRoute {
  if (!facts.hasPhone || facts.preferredChannel === 'visit') return 'visit';
  const voicePossible = senders === undefined || senders.voice !== undefined;
  if (facts.accessibilityNeeds.includes('cannot_read')) return voicePossible ? 'voice' : 'visit';
  if (facts.preferredChannel === 'voice' && voicePossible) return 'voice';
  return 'sms';
}
