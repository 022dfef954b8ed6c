import { eq } from 'drizzle-orm';
import { setPendingPrompt } from '../conversations/set-pending-prompt.ts';
import type { Ctx } from '../core/context.ts';
import {
  type AccessibilityNeed,
  type ConfirmationChannel,
  type ConfirmationStatus,
  communities,
  type DeliveryStatus,
  type Locale,
  proxyConfirmations,
  type residents,
} from '../db/schema.ts';
import type { I18n } from '../i18n/i18n.ts';
import { contactRoute } from '../outreach/contact-route.ts';
import { queueOutboundMessage } from '../outreach/queue-outbound-message.ts';
import type { Senders } from '../outreach/sender.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { addToVisitList } from './add-to-visit-list.ts';
import { confirmationSms, confirmationSpeech } from './confirmation-message.ts';
import { CONFIRMATION_WINDOW_MS } from './visit-rules.ts';

export interface ConfirmationEnv {
  i18n: I18n;
  /** The senders this installation has: decides SMS, a call, or a second visit. */
  senders: Senders;
  /** The hall's time zone, for the date in the message. */
  timeZone: string;
}

export interface ConfirmationRequested {
  status: ConfirmationStatus;
  channel: ConfirmationChannel;
  deliveryId: string | null;
  /** The outbox row's status: `queued` rows are for the caller to hand to the sender queue. */
  deliveryStatus: DeliveryStatus | null;
}

/** The delivery purpose of a record's confirmation; the voice channel reads the record id from it. */
export function confirmationPurpose(recordId: string): string {
  return `proxy-confirmation:${recordId}`;
}

/** The record id a delivery purpose names, when it is a proxy confirmation. */
export function recordIdOfPurpose(purpose: string): string | undefined {
  const match = /^proxy-confirmation:([0-9a-f-]{36})$/i.exec(purpose);
  return match?.[1];
}

/**
 * Asks the resident whether the record is right, on their own channel: an SMS (answered 1/2), a call
 * for someone who cannot read, or — with no phone, or no way to reach them by it — a second visit by
 * someone other than the proxy. Writes the confirmation row; run inside the record's transaction.
 */
export async function requestProxyConfirmation(
  ctx: Ctx,
  input: {
    recordId: string;
    proxyStaffId: string;
    proxyName: string;
    resident: Pick<
      typeof residents.$inferSelect,
      'id' | 'phoneCipher' | 'preferredChannel' | 'accessibilityNeeds' | 'preferredLocale' | 'communityId'
    >;
    visitLocale: Locale;
    /** The proxy saw the resident cannot read: never a text, whatever is on file. */
    cannotRead: boolean;
    recordedAt: Date;
    summary: (locale: Locale) => string;
    topicId: string | null;
  },
  env: ConfirmationEnv,
): Promise<ConfirmationRequested> {
  const now = ctx.clock.now();
  const { resident } = input;
  const locale = resident.preferredLocale ?? input.visitLocale;
  const needs: AccessibilityNeed[] = [...resident.accessibilityNeeds];
  if (input.cannotRead && !needs.includes('cannot_read')) needs.push('cannot_read');
  let route = contactRoute(
    {
      hasPhone: resident.phoneCipher !== null,
      preferredChannel: resident.preferredChannel,
      accessibilityNeeds: needs,
    },
    env.senders,
  );

  let deliveryId: string | null = null;
  let deliveryStatus: DeliveryStatus | null = null;
  if (route !== 'visit') {
    const t = env.i18n.forLocale(locale);
    const facts = {
      hall: await hallName(ctx, t, resident.communityId, locale),
      proxyName: input.proxyName,
      recordedAt: input.recordedAt,
      timeZone: env.timeZone,
      summary: input.summary(locale),
    };
    const delivery = await queueOutboundMessage(
      ctx,
      {
        channel: route,
        residentId: resident.id,
        locale,
        body: route === 'sms' ? confirmationSms(t, locale, facts) : confirmationSpeech(t, locale, facts),
        purpose: confirmationPurpose(input.recordId),
      },
      env.senders,
    );
    if (delivery.status === 'failed' && delivery.error === 'opted_out') {
      // They asked for no more messages on that channel: ask in person instead.
      route = 'visit';
    } else {
      deliveryId = delivery.id;
      deliveryStatus = delivery.status;
    }
  }

  const channel: ConfirmationChannel = route;
  const status: ConfirmationStatus = route === 'visit' ? 'awaiting_visit' : 'awaiting_reply';
  const dueAt = new Date(now.getTime() + CONFIRMATION_WINDOW_MS);
  await ctx.db.insert(proxyConfirmations).values({
    recordId: input.recordId,
    residentId: resident.id,
    status,
    channel,
    deliveryId,
    askedAt: now,
    dueAt,
    updatedAt: now,
  });
  if (route === 'sms' && deliveryId) {
    // A bare "1" or "2" in their next SMS answers this record.
    await setPendingPrompt(ctx, {
      residentId: resident.id,
      channel: 'sms',
      kind: 'proxy_confirmation',
      proxyRecordId: input.recordId,
      deliveryId,
      expiresAt: dueAt,
    });
  }
  let visitListItemId: string | null = null;
  if (route === 'visit') {
    const { item } = await addToVisitList(ctx, {
      residentId: resident.id,
      reason: 'second_visit',
      excludedStaffId: input.proxyStaffId,
    });
    visitListItemId = item.id;
  }
  await appendAudit(ctx, {
    action: 'proxy.confirmation_requested',
    subjectType: 'proxy_record',
    subjectId: input.recordId,
    data: { residentId: resident.id, channel, deliveryId, visitListItemId, dueAt: dueAt.toISOString() },
  });
  return { status, channel, deliveryId, deliveryStatus };
}

async function hallName(
  ctx: Ctx,
  t: (key: string, params?: Record<string, unknown>) => string,
  communityId: string | null,
  locale: Locale,
): Promise<string> {
  if (communityId) {
    const [community] = await ctx.db
      .select({ name: communities.name })
      .from(communities)
      .where(eq(communities.id, communityId));
    const name = community?.name[locale] ?? community?.name['zh-CN'];
    if (name) return t('outreach:hall', { community: name });
  }
  return t('outreach:defaultHall');
}
