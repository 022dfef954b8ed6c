import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { OUTBOX_STATUSES, outboxMessages } from '../db/schema.ts';
import type { OutboxMessage } from './queue-outbound-message.ts';

export const listOutboxMessagesInput = z.object({
  status: z.enum(OUTBOX_STATUSES).optional(),
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
  if (status) conditions.push(eq(outboxMessages.status, status));
  if (residentId) conditions.push(eq(outboxMessages.residentId, residentId));
  if (before) conditions.push(lt(outboxMessages.createdAt, before));
  return ctx.db
    .select()
    .from(outboxMessages)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id))
    .limit(limit);
}
