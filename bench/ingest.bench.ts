/**
 * Ingest throughput and latency: 2,000 distinct SMS-like intakes pushed through `ingest` by 20
 * concurrent callers, on embedded PGlite (in memory) and on a throwaway PostgreSQL database.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { count } from 'drizzle-orm';
import pg from 'pg';
import { systemClock } from '../src/core/clock.ts';
import type { Ctx } from '../src/core/context.ts';
import { silentLogger } from '../src/core/logger.ts';
import type { Database } from '../src/db/database.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { intakes, type TopicStatus, topics } from '../src/db/schema.ts';
import { ingest } from '../src/pipeline/ingest.ts';
import type { IntakeInput } from '../src/pipeline/intake.ts';
import { createPii, generatePiiKey } from '../src/residents/pii.ts';
import type { BenchResult } from './bench-result.ts';

const INTAKES = 2_000;
const CONCURRENCY = 20;
const WARM_UP = 100;
/** Fewer senders than messages, so both first contacts and returning residents are measured. */
const SENDERS = 500;

const POSTGRES_ADMIN_URL =
  process.env.BENCH_POSTGRES_URL ??
  process.env.TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

function percentile(sorted: number[], p: number): number {
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** What residents actually send: opinions, demands, survey-style replies, keywords, noise. */
function messageFor(i: number, codes: string[]): string {
  const code = codes[i % codes.length]!;
  const forms = [
    `${code} 支持`,
    `${code} 不同意`,
    `${code}，建议晚上不要施工`,
    '楼道灯坏了，请尽快修理',
    '希望小区增加老年食堂的送餐服务',
    '满意',
    'TD',
    'START',
    '帮助',
    '😀',
  ];
  return forms[i % forms.length]!;
}

function intakeFor(i: number, prefix: string, codes: string[]): IntakeInput {
  return {
    channel: 'sms',
    externalId: `SM${prefix}${String(i).padStart(8, '0')}`,
    actor: { type: 'resident', via: 'sms' },
    declaredKind: 'text',
    phone: `+86139${String(10_000_000 + (i % SENDERS)).slice(-8)}`,
    text: messageFor(i, codes),
    language: 'zh-CN',
    receivedAt: new Date(),
  };
}

async function seedTopics(database: Database): Promise<string[]> {
  const statuses: TopicStatus[] = ['published', 'deliberating', 'collecting'];
  const rows = await database.db
    .insert(topics)
    .values(
      statuses.map((status) => ({
        title: { 'zh-CN': `议题 ${status}` },
        summary: { 'zh-CN': '基准测试' },
        source: 'online' as const,
        status,
      })),
    )
    .returning({ code: topics.code });
  return rows.map((r) => r.code);
}

async function drive(ctx: Ctx, intakes: IntakeInput[]): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < intakes.length; i = next++) {
        const t0 = performance.now();
        await ingest(ctx, intakes[i]!);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

async function measure(label: string, database: Database): Promise<BenchResult[]> {
  const ctx: Ctx = {
    actor: { type: 'system', job: 'bench' },
    db: database.db,
    clock: systemClock,
    log: silentLogger(),
    pii: createPii(generatePiiKey()),
  };
  const codes = await seedTopics(database);
  await drive(
    ctx,
    Array.from({ length: WARM_UP }, (_, i) => intakeFor(i, 'warm', codes)),
  );
  const { latencies, seconds } = await drive(
    ctx,
    Array.from({ length: INTAKES }, (_, i) => intakeFor(i, 'run', codes)),
  );
  const [stored] = await database.db.select({ n: count() }).from(intakes);
  const storedCount = stored?.n ?? 0;
  if (storedCount !== INTAKES + WARM_UP) {
    throw new Error(`${label}: expected ${INTAKES + WARM_UP} intakes, found ${storedCount}`);
  }
  latencies.sort((a, b) => a - b);
  const note = `${INTAKES} distinct SMS intakes, concurrency ${CONCURRENCY}, ${SENDERS} senders, after ${WARM_UP} warm-up`;
  return [
    { name: `ingest ${label} throughput`, value: round(INTAKES / seconds), unit: 'intakes/s', note },
    { name: `ingest ${label} latency p50`, value: round(percentile(latencies, 50)), unit: 'ms' },
    { name: `ingest ${label} latency p99`, value: round(percentile(latencies, 99)), unit: 'ms' },
  ];
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

async function withThrowawayPostgres<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const name = `gw_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  try {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: CONCURRENCY + 5 });
    try {
      return await fn(database);
    } finally {
      await database.close();
    }
  } finally {
    await admin(`drop database if exists ${name} with (force)`);
  }
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const pglite = await openDatabase({ kind: 'pglite' });
  try {
    results.push(...(await measure('pglite', pglite)));
  } finally {
    await pglite.close();
  }
  if (await postgresReachable()) {
    results.push(...(await withThrowawayPostgres((database) => measure('postgres', database))));
  } else {
    console.warn(
      `ingest bench: PostgreSQL at ${new URL(POSTGRES_ADMIN_URL).host} is not reachable; measured PGlite only`,
    );
  }
  return results;
}
