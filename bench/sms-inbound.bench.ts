/**
 * Inbound SMS, full path (signature check, dedupe, persist, reply) on PostgreSQL, against a minimal
 * reference handler (Hono + one INSERT, no verification) measured in the same run; then both handlers'
 * latency with 1,000 requests/s offered. Where the time goes is recorded too: CPU per request of the
 * server process and of its PostgreSQL backends (from /proc, so Linux only), and the machine's load.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import twilio from 'twilio';
import { normalisePhone } from '../src/residents/normalise-phone.ts';
import { POSTGRES_ADMIN_URL } from '../src/testing/test-database.ts';
import type { BenchResult } from './bench-result.ts';
import { closedLoop, type LoadResult, openLoop, type PreparedRequest, percentile } from './support/load.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ACCOUNT_SID = `AC${'5'.repeat(32)}`;
const AUTH_TOKEN = 'bench-auth-token';
const PUBLIC_BASE_URL = 'https://hall.example.org';
const INBOUND_PATH = '/channels/sms/inbound';
const BODIES = ['1', '１', '满意', '2 太吵了', 'T1 支持', '楼道灯坏了三天了', 'HELP', '很不满意'];

function phones(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i += 1) {
    const e164 = normalisePhone(`1390000${String(i).padStart(4, '0')}`);
    if (e164) out.push(e164);
  }
  return out;
}

function prepare(count: number, senders: string[]): PreparedRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const params: Record<string, string> = {
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      AccountSid: ACCOUNT_SID,
      From: senders[i % senders.length] as string,
      To: '+8610690000123',
      Body: BODIES[i % BODIES.length] as string,
      NumMedia: '0',
      NumSegments: '1',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
    };
    return {
      path: INBOUND_PATH,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(
          AUTH_TOKEN,
          `${PUBLIC_BASE_URL}${INBOUND_PATH}`,
          params,
        ),
      },
      body: new URLSearchParams(params).toString(),
    };
  });
}

/** CPU time (user + system) a process has used so far, in ms; undefined where /proc is not there. */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100/s).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** CPU so far of the server process and of every PostgreSQL backend connected to the bench database. */
async function cpuSnapshot(
  database: string,
  server: ChildProcess,
): Promise<{ server?: number; pg?: number }> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = $1',
      [database],
    );
    const backends = rows.map((r) => cpuMs(r.pid));
    return {
      server: cpuMs(server.pid),
      pg: backends.every((ms) => ms !== undefined) ? backends.reduce((a, ms) => a + (ms ?? 0), 0) : undefined,
    };
  } finally {
    await admin.end();
  }
}

interface Measured extends LoadResult {
  /** CPU ms per request of the server process and of its PostgreSQL backends, when known. */
  serverCpu?: number;
  pgCpu?: number;
}

async function measured(
  database: string,
  server: ChildProcess,
  requests: number,
  load: () => Promise<LoadResult>,
): Promise<Measured> {
  const before = await cpuSnapshot(database, server);
  const result = await load();
  const after = await cpuSnapshot(database, server);
  const perRequest = (a?: number, b?: number) =>
    a === undefined || b === undefined ? undefined : (b - a) / requests;
  const serverCpu = perRequest(before.server, after.server);
  const pgCpu = perRequest(before.pg, after.pg);
  return {
    ...result,
    ...(serverCpu === undefined ? {} : { serverCpu }),
    ...(pgCpu === undefined ? {} : { pgCpu }),
  };
}

async function withDatabase<T>(use: (url: string, name: string) => Promise<T>): Promise<T> {
  const name = `gw_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await use(url.toString(), name);
  } finally {
    const dropper = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await dropper.connect();
    await dropper.query(`drop database if exists ${name} with (force)`);
    await dropper.end();
  }
}

async function startServer(
  mode: 'full' | 'reference',
  databaseUrl: string,
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/sms-webhook-server.ts', mode], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PII_KEY: Buffer.alloc(32, 9).toString('base64'),
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      PUBLIC_BASE_URL,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const match = line.match(/^ready (\d+)$/);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { port, child };
}

async function stop(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Requests sent before measuring, so that both servers are measured warm (JIT, pools, residents). */
const WARM_UP = 2_000;
const MEASURED = 10_000;

async function throughput(mode: 'full' | 'reference', requests: PreparedRequest[]): Promise<Measured> {
  return withDatabase(async (url, name) => {
    const { port, child } = await startServer(mode, url);
    try {
      await closedLoop(port, requests.slice(0, WARM_UP), 16);
      const rest = requests.slice(WARM_UP);
      return await measured(name, child, rest.length, () => closedLoop(port, rest, 32));
    } finally {
      await stop(child);
    }
  });
}

async function atOfferedRate(mode: 'full' | 'reference', requests: PreparedRequest[]): Promise<LoadResult> {
  return withDatabase(async (url) => {
    const { port, child } = await startServer(mode, url);
    try {
      await closedLoop(port, requests.slice(0, WARM_UP), 16);
      return await openLoop(port, requests.slice(WARM_UP), 1_000);
    } finally {
      await stop(child);
    }
  });
}

const rate = (m: Measured) => m.completed / m.seconds;

/** The faster of two runs: other work on a shared machine only ever slows a run down. */
function faster(a: Measured, b: Measured): Measured {
  return rate(a) >= rate(b) ? a : b;
}

function cpuResult(name: string, m: Measured): BenchResult[] {
  if (m.serverCpu === undefined) return [];
  return [
    {
      name,
      value: Number(m.serverCpu.toFixed(3)),
      unit: 'ms',
      note: `server process; its PostgreSQL backends ${m.pgCpu === undefined ? 'n/a' : m.pgCpu.toFixed(3)} ms`,
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const senders = phones(500);
  const loadBefore = os.loadavg()[0] ?? 0;
  // Alternated, so that a burst of other work on the machine slows both modes alike.
  const runs: Record<'full' | 'reference', Measured[]> = { full: [], reference: [] };
  for (const mode of ['reference', 'full', 'reference', 'full'] as const) {
    runs[mode].push(await throughput(mode, prepare(WARM_UP + MEASURED, senders)));
  }
  const reference = faster(runs.reference[0] as Measured, runs.reference[1] as Measured);
  const full = faster(runs.full[0] as Measured, runs.full[1] as Measured);
  const refRate = rate(reference);
  const fullRate = rate(full);

  const offered = await atOfferedRate('full', prepare(WARM_UP + MEASURED, senders));
  const offeredReference = await atOfferedRate('reference', prepare(WARM_UP + MEASURED, senders));
  const loadAfter = os.loadavg()[0] ?? 0;

  return [
    {
      name: 'sms inbound reference handler',
      value: Math.round(refRate),
      unit: 'req/s',
      note: `Hono + one INSERT; faster of 2 runs (${runs.reference.map((m) => Math.round(rate(m))).join(', ')}) of 10,000 requests, 32 in flight`,
    },
    {
      name: 'sms inbound full path',
      value: Math.round(fullRate),
      unit: 'req/s',
      note: `verify, dedupe, persist, reply; faster of 2 runs (${runs.full.map((m) => Math.round(rate(m))).join(', ')}); ${full.failed} failed`,
    },
    {
      name: 'sms inbound full / reference',
      value: Number((fullRate / refRate).toFixed(2)),
      unit: 'ratio',
      note: 'target ≥ 0.8',
    },
    {
      name: 'sms inbound p50 at 1,000 req/s offered',
      value: Number(percentile(offered.latenciesMs, 50).toFixed(1)),
      unit: 'ms',
    },
    {
      name: 'sms inbound p99 at 1,000 req/s offered',
      value: Number(percentile(offered.latenciesMs, 99).toFixed(1)),
      unit: 'ms',
      note: `target ≤ 50; ${offered.completed} ok, ${offered.failed} failed in ${offered.seconds.toFixed(1)} s`,
    },
    {
      name: 'sms inbound reference p99 at 1,000 req/s offered',
      value: Number(percentile(offeredReference.latenciesMs, 99).toFixed(1)),
      unit: 'ms',
      note: `the same offered load on the reference handler, for comparison (p50 ${percentile(
        offeredReference.latenciesMs,
        50,
      ).toFixed(1)} ms)`,
    },
    ...cpuResult('sms inbound full path CPU per request', full),
    ...cpuResult('sms inbound reference CPU per request', reference),
    {
      name: 'load average during the run',
      value: Number(Math.max(loadBefore, loadAfter).toFixed(2)),
      unit: 'load',
      note: `1-minute load before ${loadBefore.toFixed(2)}, after ${loadAfter.toFixed(2)}, on ${os.cpus().length} CPUs`,
    },
  ];
}
