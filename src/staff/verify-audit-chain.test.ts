import { asc, count, eq, sql, TransactionRollbackError } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDb } from '../core/context.ts';
import type { Tx } from '../db/database.ts';
import { auditLog } from '../db/schema.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { type AuditRowContent, appendAudit, auditHash, GENESIS_HASH } from './append-audit.ts';
import { type AuditChainReport, verifyAuditChain } from './verify-audit-chain.ts';

let database: TestDatabase;
/** The last hash as an operator would have recorded it after the entries below were written. */
let anchoredHash: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const ctx = createTestCtx(database.db, { now: '2026-05-01T02:00:00Z' });
  const staffCtx = createTestCtx(database.db, {
    actor: { type: 'staff', staffId: '3f0c1a52-0d7e-4b8e-9a7e-2f1d7b0c9e11', roles: ['admin'] },
    clock: ctx.clock,
  });
  const entries = [
    { action: 'staff.login', subjectType: 'staff', subjectId: 'a', data: { ok: true } },
    {
      action: 'topic.create',
      subjectType: 'topic',
      subjectId: 'b',
      data: { title: { 'zh-CN': '加装电梯' } },
    },
    {
      action: 'topic.publish',
      subjectType: 'topic',
      subjectId: 'b',
      data: { ends: '2026-05-13', n: [1, 2] },
    },
    { action: 'resident.opt_out', subjectType: 'resident', subjectId: 'c', data: { channel: 'sms' } },
    { action: 'topic.reject', subjectType: 'topic', subjectId: 'd' },
    { action: 'staff.role_change', subjectType: 'staff', subjectId: 'e', data: { z: 1, a: { y: 2, b: 3 } } },
  ];
  for (const [i, entry] of entries.entries()) {
    ctx.clock.advance(60_000);
    await appendAudit(i % 2 === 0 ? ctx : staffCtx, entry);
  }
  const report = await verifyAuditChain(database.db);
  if (!report.ok) throw new Error('fixture chain is broken');
  anchoredHash = report.lastHash;
});

afterAll(async () => {
  await database?.close();
});

function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(' | ');
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return errorText(error);
}

/**
 * What the verifier reports after an attacker with superuser rights switches off the append-only
 * triggers and tampers. Runs in a transaction that is rolled back, so each case starts from the
 * intact chain.
 */
async function reportAfterTampering(tamper: (tx: Tx) => Promise<void>): Promise<AuditChainReport> {
  let report: AuditChainReport | undefined;
  try {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger user`);
      await tamper(tx);
      report = await verifyAuditChain(tx);
      tx.rollback();
    });
  } catch (error) {
    if (!(error instanceof TransactionRollbackError)) throw error;
  }
  if (!report) throw new Error('tampering did not run');
  return report;
}

async function row(db: Tx, seq: number) {
  const [found] = await db.select().from(auditLog).where(eq(auditLog.seq, seq));
  if (!found) throw new Error(`no audit row ${seq}`);
  return found;
}

function content(r: typeof auditLog.$inferSelect): AuditRowContent {
  return {
    seq: r.seq,
    at: r.at,
    actorType: r.actorType,
    actor: r.actor,
    action: r.action,
    subjectType: r.subjectType,
    subjectId: r.subjectId,
    data: r.data,
  };
}

async function lastSeq(db: Tx | TestDatabase['db']): Promise<number> {
  const [r] = await db.select({ n: count() }).from(auditLog);
  return r!.n;
}

describe('an intact audit log', () => {
  it('verifies, reporting the number of entries and the last hash', async () => {
    const report = await verifyAuditChain(database.db);
    expect(report).toEqual({ ok: true, entries: 6, lastHash: anchoredHash });
    expect(anchoredHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies across batch boundaries', async () => {
    expect(await verifyAuditChain(database.db, 4)).toEqual({ ok: true, entries: 6, lastHash: anchoredHash });
    expect(await verifyAuditChain(database.db, 1)).toEqual({ ok: true, entries: 6, lastHash: anchoredHash });
  });

  it('verifies an empty log', async () => {
    const report = await reportAfterTampering(async (tx) => {
      await tx.delete(auditLog);
    });
    expect(report).toEqual({ ok: true, entries: 0, lastHash: GENESIS_HASH });
  });
});

describe('the database', () => {
  it('refuses to update, delete or truncate audit entries', async () => {
    expect(await rejection(database.db.execute(sql`update audit_log set data = '{}' where seq = 2`))).toMatch(
      /append-only \(UPDATE refused\)/,
    );
    expect(await rejection(database.db.execute(sql`delete from audit_log where seq = 3`))).toMatch(
      /append-only \(DELETE refused\)/,
    );
    expect(await rejection(database.db.execute(sql`truncate audit_log`))).toMatch(
      /append-only \(TRUNCATE refused\)/,
    );
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, entries: 6, lastHash: anchoredHash });
  });
});

describe('tampering by someone who disabled the triggers', () => {
  it('is found where an entry was changed', async () => {
    const report = await reportAfterTampering(async (tx) => {
      await tx.execute(sql`update audit_log set data = '{"channel":"voice"}' where seq = 4`);
    });
    expect(report).toEqual({ ok: false, entries: 3, brokenAt: 4, problem: 'hash_mismatch' });
  });

  it('is found where an entry was backdated', async () => {
    const report = await reportAfterTampering(async (tx) => {
      await tx.execute(sql`update audit_log set at = at - interval '1 day' where seq = 2`);
    });
    expect(report).toMatchObject({ ok: false, brokenAt: 2, problem: 'hash_mismatch' });
  });

  it('is found at the next entry when the changed entry got a recomputed hash', async () => {
    const report = await reportAfterTampering(async (tx) => {
      const original = await row(tx, 3);
      const forged = { ...content(original), subjectId: 'someone-else' };
      await tx
        .update(auditLog)
        .set({ subjectId: forged.subjectId, hash: auditHash(original.prevHash, forged) })
        .where(eq(auditLog.seq, 3));
    });
    expect(report).toEqual({ ok: false, entries: 3, brokenAt: 4, problem: 'link_mismatch' });
  });

  it('is found where an entry in the middle was deleted', async () => {
    const report = await reportAfterTampering(async (tx) => {
      await tx.delete(auditLog).where(eq(auditLog.seq, 3));
    });
    expect(report).toEqual({ ok: false, entries: 2, brokenAt: 3, problem: 'missing_entry' });
  });

  it('is found where the last entry was deleted and forged in its place', async () => {
    const report = await reportAfterTampering(async (tx) => {
      const last = await row(tx, 6);
      await tx.delete(auditLog).where(eq(auditLog.seq, 6));
      await tx.insert(auditLog).values({ ...last, data: { z: 1, a: { y: 2, b: 4 } } });
    });
    expect(report).toEqual({ ok: false, entries: 5, brokenAt: 6, problem: 'hash_mismatch' });
  });

  it('is found where a forged entry was appended without the right hash', async () => {
    const report = await reportAfterTampering(async (tx) => {
      const last = await row(tx, 6);
      await tx.insert(auditLog).values({
        ...content(last),
        seq: 7,
        action: 'staff.role_change',
        data: { grant: 'admin' },
        prevHash: last.hash,
        hash: 'f'.repeat(64),
      });
    });
    expect(report).toEqual({ ok: false, entries: 6, brokenAt: 7, problem: 'hash_mismatch' });
  });

  it('is found where a forged entry does not link to its predecessor', async () => {
    const report = await reportAfterTampering(async (tx) => {
      const forged = { ...content(await row(tx, 6)), seq: 7, data: { grant: 'admin' } };
      const prevHash = 'e'.repeat(64);
      await tx.insert(auditLog).values({ ...forged, prevHash, hash: auditHash(prevHash, forged) });
    });
    expect(report).toEqual({ ok: false, entries: 6, brokenAt: 7, problem: 'link_mismatch' });
  });

  it('is found where a forged entry leaves a gap in the sequence', async () => {
    const report = await reportAfterTampering(async (tx) => {
      const last = await row(tx, 6);
      const forged = { ...content(last), seq: 8, data: { grant: 'admin' } };
      await tx
        .insert(auditLog)
        .values({ ...forged, prevHash: last.hash, hash: auditHash(last.hash, forged) });
    });
    expect(report).toEqual({ ok: false, entries: 6, brokenAt: 7, problem: 'missing_entry' });
  });

  it('reports the first break when several entries were changed', async () => {
    const report = await reportAfterTampering(async (tx) => {
      await tx.execute(sql`update audit_log set action = 'x' where seq in (2, 5)`);
    });
    expect(report).toMatchObject({ ok: false, entries: 1, brokenAt: 2 });
  });

  it('can only be found against a recorded last hash when the whole chain was rewritten', async () => {
    const report = await reportAfterTampering(async (tx) => {
      const rows = await tx.select().from(auditLog).orderBy(asc(auditLog.seq));
      let prevHash = GENESIS_HASH;
      for (const r of rows) {
        const rewritten = { ...content(r), data: r.seq === 2 ? { title: { 'zh-CN': '改写' } } : r.data };
        const hash = auditHash(prevHash, rewritten);
        await tx
          .update(auditLog)
          .set({ data: rewritten.data as object, prevHash, hash })
          .where(eq(auditLog.seq, r.seq));
        prevHash = hash;
      }
    });
    expect(report.ok).toBe(true);
    expect(report.ok && report.lastHash).not.toBe(anchoredHash);
  });

  it('leaves the triggers in force for everyone else once re-enabled', async () => {
    expect(await rejection(database.db.execute(sql`delete from audit_log where seq = 1`))).toMatch(
      /append-only/,
    );
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, entries: 6, lastHash: anchoredHash });
  });
});

describe('appending', () => {
  it('keeps the chain valid and gapless under 20 concurrent transactions', async () => {
    const before = await lastSeq(database.db);
    const ctx = createTestCtx(database.db, { now: '2026-05-02T02:00:00Z' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        database.db.transaction((tx) =>
          appendAudit(withDb(ctx, tx), {
            action: 'test.concurrent',
            subjectType: 'test',
            subjectId: String(i),
            data: { i },
          }),
        ),
      ),
    );
    const seqs = results.map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => before + 1 + i));
    const stored = await database.db.select({ seq: auditLog.seq }).from(auditLog).orderBy(asc(auditLog.seq));
    expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: before + 20 }, (_, i) => i + 1));
    const report = await verifyAuditChain(database.db);
    expect(report).toMatchObject({ ok: true, entries: before + 20 });
    expect(report.ok && report.lastHash).toBe(results.find((r) => r.seq === before + 20)!.hash);
  });

  it('leaves no entry and no gap when the surrounding transaction rolls back', async () => {
    const before = await lastSeq(database.db);
    const ctx = createTestCtx(database.db);
    await expect(
      database.db.transaction(async (tx) => {
        await appendAudit(withDb(ctx, tx), {
          action: 'test.rolled_back',
          subjectType: 'test',
          subjectId: 'x',
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await lastSeq(database.db)).toBe(before);
    const next = await appendAudit(ctx, { action: 'test.after', subjectType: 'test', subjectId: 'y' });
    expect(next.seq).toBe(before + 1);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, entries: before + 1 });
  });
});
