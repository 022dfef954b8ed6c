/**
 * Runs every bench/*.bench.ts in turn (or those whose file name contains an argument), prints a table
 * and writes bench/results/latest.json.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './bench-result.ts';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_FILE = path.join(BENCH_DIR, 'results', 'latest.json');

interface BenchModule {
  run(): Promise<BenchResult[]>;
}

interface Recorded extends BenchResult {
  bench: string;
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const files = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)))
    .sort();
  if (files.length === 0) {
    console.error('no benchmarks matched');
    return 1;
  }
  const results: Recorded[] = [];
  const failures: { bench: string; error: string }[] = [];
  for (const file of files) {
    const bench = file.replace(/\.bench\.ts$/, '');
    console.log(`running ${bench} …`);
    try {
      const mod = (await import(pathToFileURL(path.join(BENCH_DIR, file)).href)) as BenchModule;
      for (const result of await mod.run()) results.push({ bench, ...result });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      failures.push({ bench, error: message });
      console.error(`${bench} failed:\n${message}`);
    }
  }

  printTable(results);
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify(
      {
        ranAt: new Date().toISOString(),
        node: process.version,
        platform: `${os.platform()} ${os.arch()}`,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        results,
        failures,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nwritten to ${path.relative(process.cwd(), RESULTS_FILE)}`);
  return failures.length === 0 ? 0 : 1;
}

function printTable(results: Recorded[]): void {
  const rows = results.map((r) => [r.bench, r.name, String(r.value), r.unit, r.note ?? '']);
  const header = ['bench', 'measure', 'value', 'unit', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}

process.exitCode = await main();
