import { count, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { type Locale, residentOptOuts, residents } from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import { audienceCondition } from './campaign-audience.ts';
import {
  assertFitsSegments,
  distinctMessages,
  loadCampaignMessageFacts,
  type RenderedMessage,
  renderCampaignMessages,
} from './campaign-message.ts';
import { type ContactRoute, contactRoute } from './contact-route.ts';
import { CAMPAIGN_VIEWER_ROLES, type Campaign, getCampaign } from './find-campaign.ts';
import type { OutreachEnv } from './outreach-env.ts';

export const previewCampaignInput = z.object({ campaign: z.string().trim().min(1) });

export interface CampaignPreview {
  campaign: Campaign;
  /** Residents the audience selects today. */
  audienceSize: number;
  /** Each distinct message with its size and how many residents would get it. */
  messages: (RenderedMessage & { recipients: number })[];
  /** The largest segment count of any message (what staff must see before sending). */
  maxSegments: number;
  /** How the audience would be reached: by channel, by home visit, or not at all (opted out). */
  routes: Record<ContactRoute | 'optedOut', number>;
}

/**
 * What sending a campaign would do, without sending: audience size, each language's rendered message
 * with its SMS segment count and recipients, and how many go by SMS, by voice, to a home visit, or
 * not at all because they opted out. A message over three segments is refused here as at sending.
 */
export async function previewCampaign(
  ctx: Ctx,
  input: z.input<typeof previewCampaignInput>,
  env: OutreachEnv,
): Promise<CampaignPreview> {
  requireRole(ctx, CAMPAIGN_VIEWER_ROLES);
  const { campaign: ref } = parseTopicInput(previewCampaignInput, input);
  const campaign = await getCampaign(ctx.db, ref);
  const facts = await loadCampaignMessageFacts(ctx.db, campaign);
  const byLocale = renderCampaignMessages(env.i18n, facts, env.defaultLocale);
  const messages = distinctMessages(byLocale);
  assertFitsSegments(messages);

  const optedOut = (channel: 'sms' | 'voice') =>
    sql<boolean>`exists (select 1 from ${residentOptOuts} where ${residentOptOuts.residentId} = ${residents.id} and ${residentOptOuts.channel} = ${channel} and ${residentOptOuts.optedOut})`;
  const locale = sql<Locale>`coalesce(${residents.preferredLocale}, ${env.defaultLocale})`;
  const cannotRead = sql<boolean>`'cannot_read' = any(${residents.accessibilityNeeds})`;
  const hasPhone = sql<boolean>`${residents.phoneCipher} is not null`;
  // Residents grouped by everything that decides their message and route: a few rows, however many residents.
  const groups = await ctx.db
    .select({
      locale,
      cannotRead,
      hasPhone,
      preferredChannel: residents.preferredChannel,
      smsOptedOut: optedOut('sms'),
      voiceOptedOut: optedOut('voice'),
      n: count(),
    })
    .from(residents)
    .where(audienceCondition(campaign.audience, env.defaultLocale))
    .groupBy(sql`1, 2, 3, 4, 5, 6`);

  const recipients = new Map<Locale, number>();
  const routes: CampaignPreview['routes'] = { sms: 0, voice: 0, visit: 0, optedOut: 0 };
  let audienceSize = 0;
  for (const g of groups) {
    audienceSize += g.n;
    const messageLocale = byLocale[g.locale]?.locale ?? env.defaultLocale;
    recipients.set(messageLocale, (recipients.get(messageLocale) ?? 0) + g.n);
    const route = contactRoute(
      {
        hasPhone: g.hasPhone,
        preferredChannel: g.preferredChannel,
        accessibilityNeeds: g.cannotRead ? ['cannot_read'] : [],
      },
      env.senders,
    );
    if (route !== 'visit' && (route === 'sms' ? g.smsOptedOut : g.voiceOptedOut)) routes.optedOut += g.n;
    else routes[route] += g.n;
  }
  return {
    campaign,
    audienceSize,
    messages: messages.map((m) => ({ ...m, recipients: recipients.get(m.locale) ?? 0 })),
    maxSegments: Math.max(0, ...messages.map((m) => m.size.segments)),
    routes,
  };
}
