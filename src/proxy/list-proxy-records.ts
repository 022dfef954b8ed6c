import { and, desc, eq, ne, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import {
  type ConfirmationChannel,
  type ConfirmationStatus,
  type Locale,
  type ProxyRecordKind,
  proxyConfirmations,
  proxyRecords,
  proxyVisits,
  residents,
  staff,
  surveys,
  topics,
} from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import { requireProxyWriter } from './proxy-actor.ts';
import { parseProxyInput } from './proxy-input.ts';
import { PROXY_SUPERVISOR_ROLES, PROXY_WRITER_ROLES } from './proxy-roles.ts';

export interface ProxyRecordListItem {
  id: string;
  kind: ProxyRecordKind;
  version: number;
  supersedesId: string | null;
  visitId: string;
  residentId: string;
  residentName: string | null;
  proxyStaffId: string;
  proxyName: string;
  topicCode: string | null;
  surveyCode: string | null;
  readBackText: string;
  readBackLocale: Locale;
  recordedAt: Date;
  receivedAt: Date;
  status: ConfirmationStatus;
  confirmationChannel: ConfirmationChannel | null;
}

const listColumns = {
  id: proxyRecords.id,
  kind: proxyRecords.kind,
  version: proxyRecords.version,
  supersedesId: proxyRecords.supersedesId,
  visitId: proxyRecords.visitId,
  residentId: proxyRecords.residentId,
  residentName: residents.name,
  proxyStaffId: proxyRecords.proxyStaffId,
  proxyName: staff.displayName,
  topicCode: topics.code,
  surveyCode: surveys.code,
  readBackText: proxyRecords.readBackText,
  readBackLocale: proxyRecords.readBackLocale,
  recordedAt: proxyRecords.recordedAt,
  receivedAt: proxyRecords.receivedAt,
  status: proxyConfirmations.status,
  confirmationChannel: proxyConfirmations.channel,
};

async function select(ctx: Ctx, where: SQL | undefined, limit: number): Promise<ProxyRecordListItem[]> {
  const rows = await ctx.db
    .select(listColumns)
    .from(proxyRecords)
    .innerJoin(residents, eq(residents.id, proxyRecords.residentId))
    .innerJoin(staff, eq(staff.id, proxyRecords.proxyStaffId))
    .leftJoin(topics, eq(topics.id, proxyRecords.topicId))
    .leftJoin(surveys, eq(surveys.id, proxyRecords.surveyId))
    .leftJoin(proxyConfirmations, eq(proxyConfirmations.recordId, proxyRecords.id))
    .where(where)
    .orderBy(desc(proxyRecords.recordedAt), desc(proxyRecords.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, status: r.status ?? 'awaiting_reply' }));
}

export const listMyProxyRecordsInput = z.object({
  visitId: z.uuid().optional(),
  limit: z.number().int().min(1).max(500).default(50),
});

/** The acting proxy's own records, newest first; those of one visit when `visitId` is given. */
export async function listMyProxyRecords(
  ctx: Ctx,
  input: z.input<typeof listMyProxyRecordsInput> = {},
): Promise<ProxyRecordListItem[]> {
  const { staffId } = requireProxyWriter(ctx);
  const data = parseProxyInput(listMyProxyRecordsInput, input);
  return select(
    ctx,
    and(
      eq(proxyRecords.proxyStaffId, staffId),
      data.visitId ? eq(proxyRecords.visitId, data.visitId) : undefined,
    ),
    data.limit,
  );
}

/** Records by other proxies waiting for this resident to confirm them in person (a second visit). */
export async function listSecondVisitRecords(
  ctx: Ctx,
  input: { residentId: string },
): Promise<ProxyRecordListItem[]> {
  const { staffId } = requireProxyWriter(ctx);
  const { residentId } = parseProxyInput(z.object({ residentId: z.uuid() }), input);
  return select(
    ctx,
    and(
      eq(proxyRecords.residentId, residentId),
      eq(proxyConfirmations.status, 'awaiting_visit'),
      ne(proxyRecords.proxyStaffId, staffId),
    ),
    100,
  );
}

/** One proxy's records, for their supervisor; not_found when there is no such staff member. */
export async function listRecordsOfProxy(
  ctx: Ctx,
  input: { proxyStaffId: string; limit?: number },
): Promise<{ proxyName: string; records: ProxyRecordListItem[] }> {
  requireRole(ctx, PROXY_SUPERVISOR_ROLES);
  const parsed = z
    .object({ proxyStaffId: z.uuid(), limit: z.number().int().min(1).max(500).default(200) })
    .safeParse(input);
  if (!parsed.success) throw new ServiceError('not_found', 'proxy:errors.proxyNotFound');
  const [who] = await ctx.db
    .select({ name: staff.displayName })
    .from(staff)
    .where(eq(staff.id, parsed.data.proxyStaffId));
  if (!who) throw new ServiceError('not_found', 'proxy:errors.proxyNotFound');
  return {
    proxyName: who.name,
    records: await select(ctx, eq(proxyRecords.proxyStaffId, parsed.data.proxyStaffId), parsed.data.limit),
  };
}

export interface ProxyRecordDetail {
  record: typeof proxyRecords.$inferSelect;
  item: ProxyRecordListItem;
  visit: typeof proxyVisits.$inferSelect;
  confirmation: typeof proxyConfirmations.$inferSelect | null;
  /** Every version of this record, oldest first (a correction chain). */
  versions: ProxyRecordListItem[];
}

/**
 * One record with its stamp, its visit's consent, its confirmation and every version of it. Its own
 * proxy and supervisors may see it; for anyone else it does not exist.
 */
export async function getProxyRecord(ctx: Ctx, input: { recordId: string }): Promise<ProxyRecordDetail> {
  requireRole(ctx, [...PROXY_WRITER_ROLES, ...PROXY_SUPERVISOR_ROLES]);
  const { recordId } = parseProxyInput(z.object({ recordId: z.uuid() }), input);
  const [row] = await ctx.db
    .select({ record: proxyRecords, visit: proxyVisits, confirmation: proxyConfirmations })
    .from(proxyRecords)
    .innerJoin(proxyVisits, eq(proxyVisits.id, proxyRecords.visitId))
    .leftJoin(proxyConfirmations, eq(proxyConfirmations.recordId, proxyRecords.id))
    .where(eq(proxyRecords.id, recordId));
  const isSupervisor =
    ctx.actor.type === 'system' ||
    (ctx.actor.type === 'staff' && ctx.actor.roles.some((r) => PROXY_SUPERVISOR_ROLES.includes(r)));
  const isOwn = ctx.actor.type === 'staff' && row?.record.proxyStaffId === ctx.actor.staffId;
  if (!row || !(isSupervisor || isOwn)) throw new ServiceError('not_found', 'proxy:errors.recordNotFound');

  // Walk back to the first version, then forward through the corrections.
  const chain: string[] = [row.record.id];
  let back = row.record.supersedesId;
  while (back && chain.length < 50) {
    chain.unshift(back);
    const [prev] = await ctx.db
      .select({ supersedesId: proxyRecords.supersedesId })
      .from(proxyRecords)
      .where(eq(proxyRecords.id, back));
    back = prev?.supersedesId ?? null;
  }
  let forward: string | undefined = row.record.id;
  while (forward && chain.length < 50) {
    const [next] = await ctx.db
      .select({ id: proxyRecords.id })
      .from(proxyRecords)
      .where(eq(proxyRecords.supersedesId, forward));
    forward = next?.id;
    if (forward) chain.push(forward);
  }
  const versions: ProxyRecordListItem[] = [];
  for (const id of chain) versions.push(...(await select(ctx, eq(proxyRecords.id, id), 1)));
  const item = versions.find((v) => v.id === row.record.id);
  if (!item) throw new Error('record missing from its own version chain');
  return { record: row.record, item, visit: row.visit, confirmation: row.confirmation, versions };
}
