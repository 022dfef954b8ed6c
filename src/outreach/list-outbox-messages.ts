import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { DELIVERY_STATUSES, deliveries } from '../db/schema.ts';
import type { OutboxMessage } from './queue-outbound-message.ts';

export const listOutboxMessagesInput = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  residentId: z.uuid().optional(),
  /** Paging: only messages created before this instant. */
  before: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The local outbox, newest first, for staff to see what was (or could not be) sent. */
export async function listOutboxMessages(
  ctx: Ctx,
  input: z.input<typeof listOutboxMessagesInput> = {},
): Promise<OutboxMessage[]> {
  const { status, residentId, before, limit } = listOutboxMessagesInput.parse(input);
  const conditions: SQL[] = [];
  if (status) conditions.push(eq(deliveries.status, status));
  if (residentId) conditions.push(eq(deliveries.residentId, residentId));
  if (before) conditions.push(lt(deliveries.createdAt, before));
  return ctx.db
    .select()
    .from(deliveries)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(limit);
}
