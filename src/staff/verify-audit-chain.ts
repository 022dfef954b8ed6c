import { asc, gt } from 'drizzle-orm';
import type { DbOrTx } from '../db/database.ts';
import { auditLog } from '../db/schema.ts';
import { auditHash, GENESIS_HASH } from './append-audit.ts';

export type AuditChainReport =
  | { ok: true; entries: number; lastHash: string }
  | {
      ok: false;
      entries: number;
      /** The first row where the chain breaks. */
      brokenAt: number;
      problem: 'hash_mismatch' | 'link_mismatch' | 'missing_entry';
    };

/** Walks the whole audit log and reports the first modified, removed or inserted entry. */
export async function verifyAuditChain(db: DbOrTx, batchSize = 1000): Promise<AuditChainReport> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let entries = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.seq, expectedSeq - 1))
      .orderBy(asc(auditLog.seq))
      .limit(batchSize);
    if (rows.length === 0) return { ok: true, entries, lastHash: prevHash };
    for (const row of rows) {
      if (row.seq !== expectedSeq)
        return { ok: false, entries, brokenAt: expectedSeq, problem: 'missing_entry' };
      if (row.prevHash !== prevHash)
        return { ok: false, entries, brokenAt: row.seq, problem: 'link_mismatch' };
      if (auditHash(prevHash, row) !== row.hash)
        return { ok: false, entries, brokenAt: row.seq, problem: 'hash_mismatch' };
      prevHash = row.hash;
      expectedSeq += 1;
      entries += 1;
    }
  }
}
