import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { campaigns, deliveries, type Locale, residents } from '../db/schema.ts';
import { renderCallMessages } from '../voice/outbound-call-message.ts';
import { loadCampaignMessageFacts, renderCampaignMessages } from './campaign-message.ts';
import type { OutreachEnv } from './outreach-env.ts';

export const rerenderDeliveryBodyInput = z.object({ deliveryId: z.uuid() });

/**
 * Rewrites a waiting campaign delivery's text for the channel it now goes by. A delivery planned as a
 * text and moved to a call (the resident can no longer read) must not have "reply 1 / reply TD" read
 * out, and one moved the other way must carry the survey question and the opt-out hint. Messages that
 * are not from a campaign are written for their channel and left alone.
 */
export async function rerenderDeliveryBody(
  ctx: Ctx,
  input: z.input<typeof rerenderDeliveryBodyInput>,
  env: Pick<OutreachEnv, 'i18n' | 'defaultLocale'>,
): Promise<{ rewritten: boolean }> {
  const { deliveryId } = rerenderDeliveryBodyInput.parse(input);
  const [row] = await ctx.db
    .select({
      channel: deliveries.channel,
      status: deliveries.status,
      preferredLocale: residents.preferredLocale,
      campaign: campaigns,
    })
    .from(deliveries)
    .innerJoin(residents, eq(residents.id, deliveries.residentId))
    .innerJoin(campaigns, eq(campaigns.id, deliveries.campaignId))
    .where(eq(deliveries.id, deliveryId))
    .limit(1);
  if (row?.status !== 'queued') return { rewritten: false };
  const facts = await loadCampaignMessageFacts(ctx.db, row.campaign);
  const locale: Locale = row.preferredLocale ?? env.defaultLocale;
  const message =
    row.channel === 'voice'
      ? renderCallMessages(env.i18n, facts, env.defaultLocale)[locale]
      : renderCampaignMessages(env.i18n, facts, env.defaultLocale)[locale];
  const updated = await ctx.db
    .update(deliveries)
    .set({ body: message.body, locale: message.locale, updatedAt: ctx.clock.now() })
    .where(
      and(
        eq(deliveries.id, deliveryId),
        eq(deliveries.status, 'queued'),
        eq(deliveries.channel, row.channel),
      ),
    )
    .returning({ id: deliveries.id });
  return { rewritten: updated.length > 0 };
}
