import { and, asc, eq, lte } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { campaigns } from '../db/schema.ts';
import type { OutreachEnv } from './outreach-env.ts';
import { planCampaign } from './plan-campaign.ts';

/**
 * Plans (and so starts sending) every scheduled campaign whose time has come. A campaign that can no
 * longer be planned (its message grew too long after a topic title changed, say) is logged and left
 * scheduled for staff to fix; the others go ahead.
 */
export async function planDueCampaigns(
  ctx: Ctx,
  env: OutreachEnv,
): Promise<{ planned: string[]; refused: string[] }> {
  const due = await ctx.db
    .select({ id: campaigns.id, code: campaigns.code })
    .from(campaigns)
    .where(and(eq(campaigns.status, 'scheduled'), lte(campaigns.scheduledAt, ctx.clock.now())))
    .orderBy(asc(campaigns.scheduledAt));
  const planned: string[] = [];
  const refused: string[] = [];
  for (const campaign of due) {
    try {
      await planCampaign(ctx, { campaign: campaign.id }, env);
      planned.push(campaign.code);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      refused.push(campaign.code);
      ctx.log.error(
        { campaignId: campaign.id, code: campaign.code, error: error.messageKey, params: error.params },
        'scheduled campaign could not be planned',
      );
    }
  }
  return { planned, refused };
}
