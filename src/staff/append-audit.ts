import { createHash } from 'node:crypto';
import { desc, sql } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { auditLog } from '../db/schema.ts';
import { canonicalJson } from './canonical-json.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** Any PostgreSQL advisory-lock key, fixed: appends take it so the chain never forks. */
const AUDIT_CHAIN_LOCK = 726_354_002;

export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId: string;
  data?: Record<string, unknown>;
}

export interface AuditRowContent {
  seq: number;
  at: string;
  actorType: string;
  actor: unknown;
  action: string;
  subjectType: string;
  subjectId: string;
  data: unknown;
}

/** The hash that links a row to its predecessor. */
export function auditHash(prevHash: string, row: AuditRowContent): string {
  return createHash('sha256')
    .update(prevHash)
    .update(
      canonicalJson({
        seq: row.seq,
        at: new Date(row.at).toISOString(),
        actorType: row.actorType,
        actor: row.actor,
        action: row.action,
        subjectType: row.subjectType,
        subjectId: row.subjectId,
        data: row.data,
      }),
    )
    .digest('hex');
}

/**
 * Appends one entry to the hash-chained audit log. Call it inside the transaction that makes the
 * change, so the change and its audit row commit or fail together. Never put phone numbers in `data`.
 */
export async function appendAudit(ctx: Ctx, entry: AuditEntry): Promise<{ seq: number; hash: string }> {
  const run = async (db: Ctx['db']) => {
    await db.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    const [last] = await db
      .select({ seq: auditLog.seq, hash: auditLog.hash })
      .from(auditLog)
      .orderBy(desc(auditLog.seq))
      .limit(1);
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const content: AuditRowContent = {
      seq,
      at: ctx.clock.now().toISOString(),
      actorType: ctx.actor.type,
      actor: ctx.actor,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      data: entry.data ?? {},
    };
    const hash = auditHash(prevHash, content);
    await db
      .insert(auditLog)
      .values({ ...content, data: content.data as object, actor: content.actor as object, prevHash, hash });
    return { seq, hash };
  };
  // The advisory lock is transaction-scoped: outside a transaction, open one.
  return 'rollback' in ctx.db ? run(ctx.db) : ctx.db.transaction(run);
}
