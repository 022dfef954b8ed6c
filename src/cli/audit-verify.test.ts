import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../staff/append-audit.ts';
import { verifyAuditChain } from '../staff/verify-audit-chain.ts';
import { createTestCtx, TEST_PII_KEY } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase, testDbKind } from '../testing/test-database.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      'npx',
      ['tsx', 'src/cli/audit-verify.ts'],
      {
        cwd: ROOT,
        // Only what the command needs: nothing from this process's environment leaks into its config.
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ROOT, LOG_LEVEL: 'silent', ...env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

// The embedded database allows one process per directory, so the command is tested on PostgreSQL.
describe.skipIf(testDbKind() !== 'postgres')('npm run audit:verify', () => {
  let database: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    env = { DATABASE_URL: database.url!, PII_KEY: TEST_PII_KEY };
  });

  afterAll(async () => {
    await database?.close();
  });

  it('exits 0 for an empty log', async () => {
    const run = await runCli(env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Audit log intact: 0 entries, last hash 0{64}\n$/);
  });

  it('exits 0 and prints the entries and last hash of an intact chain', async () => {
    const ctx = createTestCtx(database.db);
    for (const subjectId of ['1', '2', '3']) {
      await appendAudit(ctx, {
        action: 'topic.create',
        subjectType: 'topic',
        subjectId,
        data: { subjectId },
      });
    }
    const report = await verifyAuditChain(database.db);
    if (!report.ok) throw new Error('chain broken before the command ran');
    const run = await runCli(env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Audit log intact: 3 entries, last hash ${report.lastHash}\n`);
  });

  it('exits 1 and names the first broken entry once the chain was tampered with', async () => {
    await database.db.execute(sql`alter table audit_log disable trigger user`);
    try {
      await database.db.execute(sql`update audit_log set data = '{"subjectId":"forged"}' where seq = 2`);
    } finally {
      await database.db.execute(sql`alter table audit_log enable trigger user`);
    }
    const run = await runCli(env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^Audit log BROKEN at entry 2 \(hash_mismatch\): .*; 1 entry before it verified\n$/,
    );
  });

  it('exits 2 when the configuration is invalid', async () => {
    const run = await runCli({ DATABASE_URL: database.url! });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('PII_KEY');
  });

  it('exits 2 when the database cannot be reached', async () => {
    const run = await runCli({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere',
      PII_KEY: TEST_PII_KEY,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^Audit log not verified: /);
  });
});
