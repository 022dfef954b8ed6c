import { count, desc, eq, getTableColumns } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { campaigns, deliveries, type StaffRole } from '../db/schema.ts';
import { requireRole } from './require-role.ts';

/** Who may read the outbox: message bodies are personal correspondence with residents. */
export const OUTBOX_VIEWER_ROLES: readonly StaffRole[] = ['admin', 'community_secretary', 'supervisor'];

export const listOutboxPageInput = z.object({
  page: z.coerce.number().int().min(1).catch(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});

/** A delivery with the code of the campaign it belongs to (null for a single message). */
export type OutboxRow = typeof deliveries.$inferSelect & { campaignCode: string | null };

export interface OutboxPage {
  messages: OutboxRow[];
  /** The page shown, clamped to the last page. */
  page: number;
  pageCount: number;
  total: number;
}

/**
 * One page of the whole outbox, newest first, with the totals a pager needs. Numbered pages rather
 * than a time cursor: messages queued in one transaction share a creation time.
 */
export async function listOutboxPage(
  ctx: Ctx,
  input: z.input<typeof listOutboxPageInput>,
): Promise<OutboxPage> {
  requireRole(ctx, OUTBOX_VIEWER_ROLES);
  const { page: requested, pageSize } = listOutboxPageInput.parse(input);
  const [totals] = await ctx.db.select({ total: count() }).from(deliveries);
  const total = totals?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(requested, pageCount);
  const messages = await ctx.db
    .select({ ...getTableColumns(deliveries), campaignCode: campaigns.code })
    .from(deliveries)
    .leftJoin(campaigns, eq(campaigns.id, deliveries.campaignId))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return { messages, page, pageCount, total };
}
