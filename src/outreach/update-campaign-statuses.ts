import { sql } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { campaigns, deliveries } from '../db/schema.ts';

/**
 * How long a placed call may still be in progress: ringing, the survey, and the status callback that
 * may put it back in the queue for another try. Past this a call whose end was never reported is over.
 */
export const CALL_IN_PROGRESS_MS = 60 * 60_000;

/**
 * Moves campaigns along as their deliveries progress: `planned` → `sending` once one has left the
 * queue, and `planned`/`sending` → `completed` once none is waiting, being sent, or (a call) in progress.
 */
export async function updateCampaignStatuses(ctx: Ctx): Promise<{ sending: string[]; completed: string[] }> {
  const now = ctx.clock.now().toISOString();
  const callsSince = new Date(ctx.clock.now().getTime() - CALL_IN_PROGRESS_MS).toISOString();
  const waiting = sql`exists (select 1 from ${deliveries} where ${deliveries.campaignId} = ${campaigns.id} and (${deliveries.status} in ('queued', 'sending') or (${deliveries.channel} = 'voice' and ${deliveries.status} = 'sent' and ${deliveries.updatedAt} > ${callsSince}::timestamptz)))`;
  const completed = await ctx.db
    .update(campaigns)
    .set({ status: 'completed', completedAt: sql`${now}::timestamptz` })
    .where(sql`${campaigns.status} in ('planned', 'sending') and not ${waiting}`)
    .returning({ code: campaigns.code });
  const sending = await ctx.db
    .update(campaigns)
    .set({ status: 'sending' })
    .where(
      sql`${campaigns.status} = 'planned' and exists (select 1 from ${deliveries} where ${deliveries.campaignId} = ${campaigns.id} and ${deliveries.sendingAt} is not null)`,
    )
    .returning({ code: campaigns.code });
  return { sending: sending.map((c) => c.code), completed: completed.map((c) => c.code) };
}
