import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { campaigns, deliveries } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import {
  assertMayManageCampaigns,
  type Campaign,
  getCampaign,
  illegalCampaignStatus,
} from './find-campaign.ts';
import type { OutreachEnv } from './outreach-env.ts';

export const cancelCampaignInput = z.object({ campaign: z.string().trim().min(1) });

const CANCELLABLE = ['draft', 'scheduled', 'planned', 'sending'] as const;

/**
 * Stops a campaign: deliveries still waiting become `failed` with error `cancelled` and their jobs are
 * withdrawn from the queue. Messages already handed to the provider cannot be called back; a job that
 * is running as this commits sees the cancellation and sends nothing.
 */
export async function cancelCampaign(
  ctx: Ctx,
  input: z.input<typeof cancelCampaignInput>,
  env: Pick<OutreachEnv, 'queue'>,
): Promise<{ campaign: Campaign; cancelledDeliveries: number }> {
  assertMayManageCampaigns(ctx);
  const { campaign: ref } = parseTopicInput(cancelCampaignInput, input);
  const campaign = await getCampaign(ctx.db, ref);
  const run = async (tx: Ctx) => {
    const now = tx.clock.now();
    const [updated] = await tx.db
      .update(campaigns)
      .set({ status: 'cancelled', completedAt: now })
      .where(and(eq(campaigns.id, campaign.id), inArray(campaigns.status, CANCELLABLE)))
      .returning();
    if (!updated) {
      const current = await getCampaign(tx.db, campaign.id);
      throw illegalCampaignStatus(current.status, 'cancel');
    }
    const withdrawn = await tx.db
      .update(deliveries)
      .set({ status: 'failed', error: 'cancelled', finishedAt: now, updatedAt: now })
      .where(and(eq(deliveries.campaignId, campaign.id), eq(deliveries.status, 'queued')))
      .returning({ deliveryId: deliveries.id, channel: deliveries.channel });
    await appendAudit(tx, {
      action: 'campaign.cancel',
      subjectType: 'campaign',
      subjectId: campaign.id,
      data: { code: campaign.code, from: campaign.status, cancelledDeliveries: withdrawn.length },
    });
    return { campaign: updated, withdrawn };
  };
  const { campaign: cancelled, withdrawn } =
    'rollback' in ctx.db ? await run(ctx) : await ctx.db.transaction((tx) => run(withDb(ctx, tx)));
  if (env.queue && withdrawn.length) {
    try {
      await env.queue.remove(withdrawn);
    } catch (error) {
      // Harmless: a leftover job finds its delivery cancelled and sends nothing.
      ctx.log.warn(
        { err: error, campaignId: campaign.id },
        'could not withdraw all jobs of a cancelled campaign',
      );
    }
  }
  return { campaign: cancelled, cancelledDeliveries: withdrawn.length };
}
