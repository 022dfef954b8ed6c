/**
 * Checks the hash-chained audit log (`npm run audit:verify`) and prints one line:
 *
 *   exit 0  intact     (entries, and the last hash: record it elsewhere to detect a rewrite later)
 *   exit 1  broken     (the first broken entry and what is wrong with it)
 *   exit 2  not checked (bad configuration, database unreachable or locked)
 */
import { parseConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import { openConfiguredDatabase } from '../runtime/open-configured-database.ts';
import { type AuditChainReport, verifyAuditChain } from '../staff/verify-audit-chain.ts';

const EXIT_INTACT = 0;
const EXIT_BROKEN = 1;
const EXIT_NOT_CHECKED = 2;

type Problem = Extract<AuditChainReport, { ok: false }>['problem'];

const PROBLEMS: Record<Problem, string> = {
  hash_mismatch: 'its content no longer matches its hash (changed or forged)',
  link_mismatch: 'it does not link to the entry before it (that entry was rewritten, or this one forged)',
  missing_entry: 'it is missing (deleted, or the sequence was tampered with)',
};

function summary(report: AuditChainReport): string {
  if (report.ok) {
    return `Audit log intact: ${report.entries} ${report.entries === 1 ? 'entry' : 'entries'}, last hash ${report.lastHash}`;
  }
  return (
    `Audit log BROKEN at entry ${report.brokenAt} (${report.problem}): ${PROBLEMS[report.problem]}; ` +
    `${report.entries} ${report.entries === 1 ? 'entry' : 'entries'} before it verified`
  );
}

async function main(): Promise<number> {
  let database: Database | undefined;
  try {
    const config = parseConfig(process.env);
    database = await openConfiguredDatabase(config, 1);
    const report = await verifyAuditChain(database.db);
    process.stdout.write(`${summary(report)}\n`);
    return report.ok ? EXIT_INTACT : EXIT_BROKEN;
  } catch (error) {
    process.stderr.write(
      `Audit log not verified: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT_NOT_CHECKED;
  } finally {
    await database?.close().catch(() => {});
  }
}

process.exitCode = await main();
