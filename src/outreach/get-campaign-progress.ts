import { count, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import {
  type CampaignKind,
  type CampaignStatus,
  DELIVERY_STATUSES,
  type DeliveryStatus,
  deliveries,
} from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import { CAMPAIGN_VIEWER_ROLES, getCampaign } from './find-campaign.ts';

export const getCampaignProgressInput = z.object({ campaign: z.string().trim().min(1) });

/** The window the sending rate is measured over. */
export const RATE_WINDOW_MS = 60_000;

export interface CampaignProgress {
  campaign: { id: string; code: string; name: string; kind: CampaignKind; status: CampaignStatus };
  /** Deliveries planned. */
  total: number;
  counts: Record<DeliveryStatus, number>;
  /** Waiting to be sent or being sent. */
  pending: number;
  /** No longer waiting: sent on, delivered, failed, skipped, held or routed to a visit. */
  done: number;
  /** Sends started per second over the last minute (or since the first send, if more recent). */
  ratePerSecond: number;
  /** When the pending deliveries should be through at the current rate; null when nothing moves. */
  estimatedFinishAt: Date | null;
  /** Sent again after a worker died mid-send: may have reached the resident twice. */
  possibleDuplicates: number;
  at: Date;
}

const PENDING: readonly DeliveryStatus[] = ['queued', 'sending'];

/** A campaign's delivery counts by status, its current sending rate and an estimated finish time. */
export async function getCampaignProgress(
  ctx: Ctx,
  input: z.input<typeof getCampaignProgressInput>,
): Promise<CampaignProgress> {
  requireRole(ctx, CAMPAIGN_VIEWER_ROLES);
  const { campaign: ref } = parseTopicInput(getCampaignProgressInput, input);
  const campaign = await getCampaign(ctx.db, ref);
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - RATE_WINDOW_MS);

  const byStatus = await ctx.db
    .select({ status: deliveries.status, n: count() })
    .from(deliveries)
    .where(eq(deliveries.campaignId, campaign.id))
    .groupBy(deliveries.status);
  const [activity] = await ctx.db
    .select({
      recent:
        sql<number>`count(*) filter (where ${deliveries.sendingAt} >= ${since.toISOString()}::timestamptz and ${deliveries.sendingAt} <= ${now.toISOString()}::timestamptz)`.mapWith(
          Number,
        ),
      firstSendingAt: sql<string | null>`min(${deliveries.sendingAt})`,
      possibleDuplicates: sql<number>`count(*) filter (where ${deliveries.possibleDuplicate})`.mapWith(
        Number,
      ),
    })
    .from(deliveries)
    .where(eq(deliveries.campaignId, campaign.id));

  const counts = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
  for (const row of byStatus) counts[row.status] = row.n;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const pending = PENDING.reduce((sum, s) => sum + counts[s], 0);

  const first = activity?.firstSendingAt ? new Date(activity.firstSendingAt) : undefined;
  const windowMs = first
    ? Math.min(RATE_WINDOW_MS, Math.max(1000, now.getTime() - first.getTime()))
    : RATE_WINDOW_MS;
  const ratePerSecond = ((activity?.recent ?? 0) * 1000) / windowMs;
  const estimatedFinishAt =
    pending === 0
      ? now
      : ratePerSecond > 0
        ? new Date(now.getTime() + (pending / ratePerSecond) * 1000)
        : null;

  return {
    campaign: {
      id: campaign.id,
      code: campaign.code,
      name: campaign.name,
      kind: campaign.kind,
      status: campaign.status,
    },
    total,
    counts,
    pending,
    done: total - pending,
    ratePerSecond: Math.round(ratePerSecond * 100) / 100,
    estimatedFinishAt,
    possibleDuplicates: activity?.possibleDuplicates ?? 0,
    at: now,
  };
}
