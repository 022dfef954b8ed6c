import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { campaigns } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import {
  assertFitsSegments,
  distinctMessages,
  loadCampaignMessageFacts,
  renderCampaignMessages,
} from './campaign-message.ts';
import {
  assertMayManageCampaigns,
  type Campaign,
  getCampaign,
  illegalCampaignStatus,
} from './find-campaign.ts';
import type { OutreachEnv } from './outreach-env.ts';

export const scheduleCampaignInput = z.object({
  campaign: z.string().trim().min(1),
  scheduledAt: z.coerce.date(),
});

const SCHEDULE_SLACK_MS = 60_000;

/**
 * Sets (or moves) the time a draft or scheduled campaign goes out; the outbox sweep plans it then.
 * The message is checked again, since the topic it quotes may have changed since it was written.
 */
export async function scheduleCampaign(
  ctx: Ctx,
  input: z.input<typeof scheduleCampaignInput>,
  env: Pick<OutreachEnv, 'i18n' | 'defaultLocale'>,
): Promise<Campaign> {
  assertMayManageCampaigns(ctx);
  const data = parseTopicInput(scheduleCampaignInput, input);
  if (data.scheduledAt.getTime() < ctx.clock.now().getTime() - SCHEDULE_SLACK_MS) {
    throw new ServiceError('validation_failed', 'outreach:errors.scheduleInPast', {
      fields: [{ field: 'scheduledAt', key: 'outreach:errors.scheduleInPast' }],
    });
  }
  const campaign = await getCampaign(ctx.db, data.campaign);
  if (campaign.status !== 'draft' && campaign.status !== 'scheduled') {
    throw illegalCampaignStatus(campaign.status, 'schedule');
  }
  const facts = await loadCampaignMessageFacts(ctx.db, campaign);
  assertFitsSegments(distinctMessages(renderCampaignMessages(env.i18n, facts, env.defaultLocale)));

  const run = async (tx: Ctx) => {
    const [updated] = await tx.db
      .update(campaigns)
      .set({ status: 'scheduled', scheduledAt: data.scheduledAt })
      .where(and(eq(campaigns.id, campaign.id), inArray(campaigns.status, ['draft', 'scheduled'])))
      .returning();
    if (!updated) {
      const current = await getCampaign(tx.db, campaign.id);
      throw illegalCampaignStatus(current.status, 'schedule');
    }
    await appendAudit(tx, {
      action: 'campaign.schedule',
      subjectType: 'campaign',
      subjectId: campaign.id,
      data: { code: campaign.code, scheduledAt: data.scheduledAt.toISOString() },
    });
    return updated;
  };
  return 'rollback' in ctx.db ? run(ctx) : ctx.db.transaction((tx) => run(withDb(ctx, tx)));
}
