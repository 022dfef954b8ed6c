/**
 * The website: page weight of each page (HTML + CSS, gzipped; the site ships no script) and time to
 * first byte of the topic page at 100 concurrent connections over loopback, on embedded PGlite and on
 * a throwaway PostgreSQL database, with the demo street loaded.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import pg from 'pg';
import { formIn, loadWebFixture } from '../channels/web/web-test-kit.ts';
import { createApp } from '../src/app.ts';
import type { Database } from '../src/db/database.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { createTestAppDeps } from '../src/testing/test-app-deps.ts';
import type { BenchResult } from './bench-result.ts';

const CONCURRENCY = 100;
const REQUESTS = 3_000;
const WARM_UP = 300;
const WEIGHT_BUDGET_KB = 50;

const POSTGRES_ADMIN_URL =
  process.env.BENCH_POSTGRES_URL ??
  process.env.TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

function percentile(sorted: number[], p: number): number {
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

function round(n: number, places = 1): number {
  const f = 10 ** places;
  return Math.round(n * f) / f;
}

interface Served {
  baseUrl: string;
  topicPath: string;
  pages: { name: string; path: string }[];
  stop(): Promise<void>;
}

async function serveWebsite(database: Database): Promise<Served> {
  const deps = createTestAppDeps(database, { env: { LOG_LEVEL: 'silent' } });
  const fixture = await loadWebFixture(deps);
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const topic = (key: string) => fixture.topics[key] ?? 'T1';
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    topicPath: `/topics/${topic('lift-block-3')}`,
    pages: [
      { name: 'home', path: '/' },
      { name: 'topics', path: '/topics' },
      { name: 'topic', path: `/topics/${topic('lift-block-3')}` },
      { name: 'topic (evaluated, with survey)', path: `/topics/${topic('drinking-water')}` },
      { name: 'opinion form', path: `/topics/${topic('night-parking')}/opinion` },
      { name: 'report form', path: '/report' },
      { name: 'survey form', path: `/surveys/${fixture.surveyCode}` },
      { name: 'follow form', path: `/topics/${topic('night-parking')}/follow` },
      { name: 'visit form', path: '/visit' },
      { name: 'accessibility statement', path: '/accessibility' },
      { name: 'privacy notice', path: '/privacy' },
    ],
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.close();
    },
  };
}

/** Gzipped size of each page's HTML plus the stylesheet it links (no page loads any script). */
async function pageWeights(served: Served): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const first = await fetch(`${served.baseUrl}/`, { headers: { accept: 'text/html' } });
  const html = await first.text();
  const cssHref = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1];
  if (!cssHref) throw new Error('home page links no stylesheet');
  const css = await (await fetch(`${served.baseUrl}${cssHref}`)).text();
  const cssGz = gzipSync(css).length;
  results.push({
    name: 'web stylesheet (gzip)',
    value: round(cssGz / 1024, 2),
    unit: 'KB',
    note: 'shared, cached',
  });
  let heaviest = 0;
  for (const page of served.pages) {
    const res = await fetch(`${served.baseUrl}${page.path}`, { headers: { accept: 'text/html' } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${page.path} answered ${res.status}`);
    if (/<script/i.test(body)) throw new Error(`${page.path} loads a script`);
    const total = gzipSync(body).length + cssGz;
    heaviest = Math.max(heaviest, total);
    results.push({
      name: `web page weight: ${page.name}`,
      value: round(total / 1024, 2),
      unit: 'KB',
      note: `HTML ${round(gzipSync(body).length / 1024, 2)} KB + CSS, gzipped; raw HTML ${round(body.length / 1024, 1)} KB`,
    });
  }
  // A form's confirmation page, reached as a resident would.
  const cookieJar: string[] = [];
  const start = await fetch(`${served.baseUrl}/report`, { headers: { accept: 'text/html' } });
  for (const c of start.headers.getSetCookie()) cookieJar.push(c.split(';')[0] ?? '');
  let page = await start.text();
  const answers: Record<string, string>[] = [
    { what: '楼道灯坏了' },
    { where: '5号楼' },
    { impact: '' },
    { phone: '' },
  ];
  for (const answer of answers) {
    const res = await fetch(`${served.baseUrl}/report`, {
      method: 'POST',
      headers: {
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: cookieJar.join('; '),
        'x-forwarded-for': '2001:db8::be:c4',
      },
      body: new URLSearchParams({ ...formIn(page).fields, action: 'continue', ...answer }),
    });
    page = await res.text();
  }
  const confirmation = gzipSync(page).length + cssGz;
  heaviest = Math.max(heaviest, confirmation);
  results.push({
    name: 'web page weight: report confirmation',
    value: round(confirmation / 1024, 2),
    unit: 'KB',
  });
  if (heaviest > WEIGHT_BUDGET_KB * 1024) {
    throw new Error(`heaviest page is ${round(heaviest / 1024)} KB, over the ${WEIGHT_BUDGET_KB} KB budget`);
  }
  return results;
}

/**
 * The load generator, run in a worker thread so that sending requests does not compete with the
 * server's event loop: `concurrency` keep-alive connections each send GETs back to back until
 * `count` have been sent; each latency is from sending to the response headers (the first byte).
 */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { url, concurrency, count } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
function once() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(url, { agent, headers: { accept: 'text/html', 'accept-language': 'zh-CN' } }, (res) => {
      const ttfb = performance.now() - t0;
      if (res.statusCode !== 200) return reject(new Error('status ' + res.statusCode));
      res.resume();
      res.on('end', () => resolve(ttfb));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
(async () => {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) { next += 1; latencies.push(await once()); }
  }));
  agent.destroy();
  parentPort.postMessage({ latencies, seconds: (performance.now() - started) / 1000 });
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

function load(url: string, count: number): Promise<{ latencies: number[]; seconds: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, {
      eval: true,
      workerData: { url, concurrency: CONCURRENCY, count },
    });
    worker.once('message', (m: { latencies: number[]; seconds: number } | { error: string }) => {
      void worker.terminate();
      if ('error' in m) reject(new Error(m.error));
      else resolve({ latencies: m.latencies.sort((a, b) => a - b), seconds: m.seconds });
    });
    worker.once('error', reject);
  });
}

async function ttfbAtConcurrency(label: string, served: Served): Promise<BenchResult[]> {
  const url = `${served.baseUrl}${served.topicPath}`;
  await load(url, WARM_UP);
  const { latencies, seconds } = await load(url, REQUESTS);
  const note = `${REQUESTS} GETs of the topic page, ${CONCURRENCY} concurrent keep-alive connections from a worker thread, loopback, after ${WARM_UP} warm-up`;
  return [
    { name: `web topic page ${label} TTFB p50`, value: round(percentile(latencies, 50)), unit: 'ms', note },
    { name: `web topic page ${label} TTFB p95`, value: round(percentile(latencies, 95)), unit: 'ms' },
    { name: `web topic page ${label} TTFB p99`, value: round(percentile(latencies, 99)), unit: 'ms' },
    { name: `web topic page ${label} throughput`, value: round(REQUESTS / seconds), unit: 'pages/s' },
  ];
}

async function withThrowawayPostgres<T>(fn: (database: Database) => Promise<T>): Promise<T | undefined> {
  const name = `gw_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3_000 });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  try {
    await admin(`create database ${name}`);
  } catch {
    console.warn(
      `web bench: PostgreSQL at ${new URL(POSTGRES_ADMIN_URL).host} is not reachable; measured PGlite only`,
    );
    return undefined;
  }
  try {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 20 });
    try {
      return await fn(database);
    } finally {
      await database.close();
    }
  } finally {
    await admin(`drop database if exists ${name} with (force)`);
  }
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const pglite = await openDatabase({ kind: 'pglite' });
  const served = await serveWebsite(pglite);
  try {
    results.push(...(await pageWeights(served)));
    results.push(...(await ttfbAtConcurrency('pglite', served)));
  } finally {
    await served.stop();
    await pglite.close();
  }
  const onPostgres = await withThrowawayPostgres(async (database) => {
    const pgServed = await serveWebsite(database);
    try {
      return await ttfbAtConcurrency('postgres', pgServed);
    } finally {
      await pgServed.stop();
    }
  });
  if (onPostgres) results.push(...onPostgres);
  return results;
}
