/**
 * The all-in-one gateway process (`npm start`, src/main.ts) planning a 100,000-resident notice campaign
 * the way staff make it happen: the campaign is scheduled for now and the process's own outbox sweep
 * plans it. The process runs on its own throwaway PostgreSQL database, the local Redis under a queue
 * prefix of its own, and a stand-in for Twilio's API, so that it also dispatches for real. Its resident
 * memory is read from /proc/<pid>/status: VmRSS often, VmHWM (reset when the campaign is scheduled)
 * at the end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pg from 'pg';
import { systemClock } from '../../src/core/clock.ts';
import type { Ctx } from '../../src/core/context.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { deliveries } from '../../src/db/schema.ts';
import { getI18n } from '../../src/i18n/i18n.ts';
import { scheduleCampaign } from '../../src/outreach/schedule-campaign.ts';
import { createPii, generatePiiKey } from '../../src/residents/pii.ts';
import { createQueues } from '../../src/runtime/queues.ts';
import { freePort } from '../../src/testing/spawn-gateway.ts';
import { noticeFor, seedResidents } from './outreach-seed.ts';
import { startTwilioStub } from './outreach-twilio-stub.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PROBE = path.join(ROOT, 'bench/support/outreach-memory-probe.ts');

/**
 * The node options of `npm start` (package.json), so that the process measured is the process people
 * run, heap limit included: `node <options> src/main.ts`.
 */
function npmStartNodeArgs(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [command, ...args] = (pkg.scripts.start ?? '').split(/\s+/);
  if (command !== 'node' || args.at(-1) !== 'src/main.ts') {
    throw new Error(`npm start is expected to be "node … src/main.ts", not "${pkg.scripts.start}"`);
  }
  return args.slice(0, -1);
}
const MB = 2 ** 20;

export interface AllInOneOptions {
  adminUrl: string;
  redisUrl: string;
  residents: number;
  /** SMS_RATE_PER_SECOND of the process: it sends while it plans, as it would in production. */
  smsPerSecond: number;
  /** Idle time after start-up before the campaign is scheduled. */
  settleMs?: number;
  /** Sampling continues this long after every job is queued, while the process dispatches. */
  dispatchTailMs?: number;
  sampleEveryMs?: number;
  /** Extra node flags for the gateway process (e.g. --trace-gc), for looking into its memory. */
  nodeArgs?: string[];
  /** Load the memory probe (one process.memoryUsage() line every 50 ms on stderr). */
  probe?: boolean;
  /** Copy the process's stdout (its log, and --trace-gc lines) and stderr (the probe's lines) to files. */
  stdoutFile?: string;
  stderrFile?: string;
}

export interface MemoryBreakdown {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface AllInOneResult {
  /** VmRSS just before the campaign was scheduled, the process started and idle. */
  idleRssMb: number;
  /** Highest VmRSS sampled from scheduling until the end of the dispatch tail. */
  peakRssMb: number;
  /** VmHWM at the end; since scheduling when the kernel allowed it to be reset, else since start. */
  hwmMb: number;
  hwmSinceSchedule: boolean;
  /** Schedule → first delivery row written (the wait for the next outbox sweep). */
  sweepWaitS: number;
  /** First delivery row → the process logged the campaign planned with every job queued. */
  planS: number;
  enqueued: number;
  /** Messages the process handed to the stand-in provider while planning and in the tail. */
  sentWhilePlanning: number;
  sentInTail: number;
  tailS: number;
  samples: number;
  loadAverage: number;
  /** With the probe: its line nearest the sampled peak. */
  atPeak?: MemoryBreakdown;
}

interface LogLine {
  level?: number;
  msg?: string;
  enqueued?: number;
  [key: string]: unknown;
}

function vm(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function admin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Resolves on the first log line `match` accepts; rejects if the process exits first or time runs out. */
function waitForLog(
  lines: LogLine[],
  onLine: Set<(line: LogLine) => void>,
  child: ChildProcess,
  match: (line: LogLine) => boolean,
  timeoutMs: number,
  what: string,
): Promise<LogLine> {
  const seen = lines.find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      onLine.delete(listener);
      child.off('exit', onExit);
    };
    const listener = (line: LogLine) => {
      if (!match(line)) return;
      done();
      resolve(line);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`gateway exited (${code}) before ${what}`));
    };
    const timer = setTimeout(() => {
      done();
      const errors = lines.filter((l) => (l.level ?? 0) >= 40).map((l) => l.msg);
      reject(new Error(`no ${what} within ${timeoutMs / 1000} s; warnings/errors: ${errors.join(' | ')}`));
    }, timeoutMs);
    onLine.add(listener);
    child.once('exit', onExit);
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function dropQueues(redis: Redis, prefix: string): Promise<void> {
  const queues = createQueues(redis, prefix);
  for (const q of [queues.outbound, queues.outboundVoice, queues.maintenance]) {
    await q.obliterate({ force: true }).catch(() => undefined);
  }
  await queues.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

export async function measureAllInOne(options: AllInOneOptions): Promise<AllInOneResult> {
  const settleMs = options.settleMs ?? 5_000;
  const tailMs = options.dispatchTailMs ?? 5_000;
  const sampleEveryMs = options.sampleEveryMs ?? 20;
  const name = `gw_bench_aio_${randomBytes(6).toString('hex')}`;
  const prefix = `bench-aio-${randomBytes(4).toString('hex')}`;
  const piiKey = generatePiiKey();
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const stub = await startTwilioStub();
  await admin(options.adminUrl, `create database ${name}`);
  const url = new URL(options.adminUrl);
  url.pathname = `/${name}`;
  let child: ChildProcess | undefined;
  try {
    const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 2 });
    try {
      const pii = createPii(piiKey);
      const ctx: Ctx = {
        actor: { type: 'system', job: 'bench' },
        db: database.db,
        clock: systemClock,
        log: silentLogger(),
        pii,
      };
      const env = { i18n: getI18n(), defaultLocale: 'zh-CN' as const };
      const communityId = await seedResidents(ctx, options.residents);
      const campaign = await noticeFor(ctx, communityId, env);
      await database.db.execute(sql`vacuum analyze`);

      const port = await freePort();
      const nodeArgs = [
        ...npmStartNodeArgs(),
        ...(options.probe ? ['--import', PROBE] : []),
        ...(options.nodeArgs ?? []),
        'src/main.ts',
      ];
      child = spawn(process.execPath, nodeArgs, {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: 'production',
          DATABASE_URL: url.toString(),
          PII_KEY: piiKey,
          REDIS_URL: options.redisUrl,
          QUEUE_PREFIX: prefix,
          HOST: '127.0.0.1',
          PORT: String(port),
          PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
          TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`,
          TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
          TWILIO_SMS_FROM: '+8610690000123',
          TWILIO_API_BASE_URL: stub.url,
          SMS_RATE_PER_SECOND: String(options.smsPerSecond),
          LOG_LEVEL: 'info',
        },
      });
      const pid = child.pid;
      if (pid === undefined) throw new Error('could not start the gateway process');
      const lines: LogLine[] = [];
      const onLine = new Set<(line: LogLine) => void>();
      const copy = options.stdoutFile ? createWriteStream(options.stdoutFile) : undefined;
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
        copy?.write(`${text}\n`);
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          line = { msg: text };
        }
        lines.push(line);
        for (const listener of onLine) listener(line);
      });
      const probes: { at: number; m: MemoryBreakdown }[] = [];
      const stderr: string[] = [];
      const copyErr = options.stderrFile ? createWriteStream(options.stderrFile) : undefined;
      createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (text) => {
        copyErr?.write(`${text}\n`);
        if (text.startsWith('probe ')) probes.push({ at: performance.now(), m: JSON.parse(text.slice(6)) });
        else if (stderr.length < 200) stderr.push(text);
      });

      await waitForLog(
        lines,
        onLine,
        child,
        (l) => typeof l.msg === 'string' && l.msg.startsWith('gateway started'),
        60_000,
        'start-up',
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${stderr.join('\n')}`);
      });
      await sleep(settleMs);
      const idleRss = vm(pid, 'VmRSS');

      // From here on: the process's memory, every few milliseconds.
      let hwmSinceSchedule = true;
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        hwmSinceSchedule = false;
      }
      let peak = idleRss;
      let peakAt = performance.now();
      let samples = 0;
      const sampler = setInterval(() => {
        try {
          const rss = vm(pid, 'VmRSS');
          samples += 1;
          if (rss > peak) {
            peak = rss;
            peakAt = performance.now();
          }
        } catch {
          // The process is gone; its exit is reported by whoever waits for it.
        }
      }, sampleEveryMs);
      const loadBefore = os.loadavg()[0] ?? 0;
      try {
        const scheduledAt = performance.now();
        const planned = waitForLog(
          lines,
          onLine,
          child,
          (l) => l.msg === 'campaign planned',
          10 * 60_000,
          'campaign planned',
        );
        await scheduleCampaign(ctx, { campaign: campaign.id, scheduledAt: new Date() }, env);
        let firstRowAt: number | undefined;
        while (firstRowAt === undefined) {
          const found = await database.db
            .select({ id: deliveries.id })
            .from(deliveries)
            .where(sql`${deliveries.campaignId} = ${campaign.id}`)
            .limit(1);
          if (found.length) firstRowAt = performance.now();
          else await sleep(50);
        }
        const sentAtStart = stub.sent();
        const done = await planned;
        const plannedAt = performance.now();
        const sentAtPlanned = stub.sent();
        await sleep(tailMs);
        const tailEnd = performance.now();
        clearInterval(sampler);
        const finalRss = vm(pid, 'VmRSS');
        peak = Math.max(peak, finalRss);
        const hwm = vm(pid, 'VmHWM');
        const nearest = probes.reduce<{ at: number; m: MemoryBreakdown } | undefined>(
          (best, p) => (!best || Math.abs(p.at - peakAt) < Math.abs(best.at - peakAt) ? p : best),
          undefined,
        );
        return {
          idleRssMb: idleRss / MB,
          peakRssMb: peak / MB,
          hwmMb: hwm / MB,
          hwmSinceSchedule,
          sweepWaitS: (firstRowAt - scheduledAt) / 1000,
          planS: (plannedAt - firstRowAt) / 1000,
          enqueued: done.enqueued ?? 0,
          sentWhilePlanning: sentAtPlanned - sentAtStart,
          sentInTail: stub.sent() - sentAtPlanned,
          tailS: (tailEnd - plannedAt) / 1000,
          samples,
          loadAverage: Math.max(loadBefore, os.loadavg()[0] ?? 0),
          ...(nearest ? { atPeak: nearest.m } : {}),
        };
      } finally {
        clearInterval(sampler);
      }
    } finally {
      if (child) await stop(child);
      await database.close();
    }
  } finally {
    await dropQueues(redis, prefix).catch(() => undefined);
    await redis.quit();
    await stub.close();
    await admin(options.adminUrl, `drop database if exists ${name} with (force)`);
  }
}
