/**
 * TwiML response latency of the inbound phone line at the traffic of 200 concurrent calls, on
 * PostgreSQL, against the gateway's real HTTP app in its own process.
 *
 * Model: 200 simulated callers, each on the line all the time (a new call as soon as one ends), walking
 * a whole call the way Twilio would drive it — first webhook, language (unknown callers), menu, list of
 * topics, a topic, a stance by key or by speech, no message, report a need, the recording — following
 * the action URL each answer names, with 2–6 s of think time between steps (a caller barging in early;
 * prompts last longer), so this offers more requests per call than a real line.
 * Latency is measured from sending a request to the end of its TwiML answer, after a warm-up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import twilio from 'twilio';
import { systemClock } from '../src/core/clock.ts';
import { silentLogger } from '../src/core/logger.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { type Locale, topics } from '../src/db/schema.ts';
import { findOrCreateResidentByPhone } from '../src/residents/find-or-create-resident-by-phone.ts';
import { normalisePhone } from '../src/residents/normalise-phone.ts';
import { createPii } from '../src/residents/pii.ts';
import { POSTGRES_ADMIN_URL } from '../src/testing/test-database.ts';
import type { BenchResult } from './bench-result.ts';
import { percentile } from './support/load.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ACCOUNT_SID = `AC${'7'.repeat(32)}`;
const AUTH_TOKEN = 'bench-voice-auth-token';
const PUBLIC_BASE_URL = 'https://hall.example.org';
const PII_KEY = Buffer.alloc(32, 11).toString('base64');
const HALL_NUMBER = '+862160000000';

const CALLERS = 200;
const WARM_UP_MS = 10_000;
const MEASURE_MS = 45_000;
/**
 * Time between hearing an answer and the next request: listening to the prompt (the menu alone takes
 * about 15 s to speak, a confirmation 2–3 s) and pressing a key. 2–6 s is on the quick side of real.
 */
const THINK_MIN_MS = 2_000;
const THINK_MAX_MS = 6_000;
const TOPICS = 12;
/** Callers whose number the gateway knows (they skip the language question). */
const KNOWN_SHARE = 0.5;

interface Sample {
  at: number;
  ms: number;
  ok: boolean;
}

function callerNumbers(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i += 1) {
    const e164 = normalisePhone(`1380000${String(i).padStart(4, '0')}`);
    if (e164) out.push(e164);
  }
  return out;
}

async function withDatabase<T>(use: (url: string) => Promise<T>): Promise<T> {
  const name = `gw_bench_voice_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await use(url.toString());
  } finally {
    const dropper = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await dropper.connect();
    await dropper.query(`drop database if exists ${name} with (force)`);
    await dropper.end();
  }
}

/** Open topics and the known callers, written before the server starts. */
async function seed(url: string, numbers: string[]): Promise<void> {
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 4 });
  try {
    await database.db.insert(topics).values(
      Array.from({ length: TOPICS }, (_, i) => ({
        title: { 'zh-CN': `议题${i + 1}：小区改造`, 'zh-HK': `議題${i + 1}：小區改造`, en: `Topic ${i + 1}` },
        summary: { 'zh-CN': '居民希望改善小区环境。请说说您的意见。' },
        source: 'online' as const,
        status: 'published' as const,
        publishedAt: new Date(Date.now() - i * 60_000),
      })),
    );
    const ctx = {
      actor: { type: 'system' as const, job: 'bench' },
      db: database.db,
      clock: systemClock,
      log: silentLogger(),
      pii: createPii(PII_KEY),
    };
    const locales: Locale[] = ['zh-CN', 'zh-HK', 'en'];
    for (const [i, phone] of numbers.slice(0, Math.floor(numbers.length * KNOWN_SHARE)).entries()) {
      await findOrCreateResidentByPhone(ctx, { phone, preferredLocale: locales[i % 3] as Locale });
    }
  } finally {
    await database.close();
  }
}

async function startServer(databaseUrl: string): Promise<{ port: number; child: ChildProcess }> {
  // The gateway's own HTTP app (createApp over createAppDeps), served in a separate process.
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/sms-webhook-server.ts', 'full'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PII_KEY,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      PUBLIC_BASE_URL,
      VOICE_TRANSFER_NUMBER: '+862160000099',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const match = line.match(/^ready (\d+)$/);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { port, child };
}

async function stop(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** CPU seconds (user + system) a process has used, from /proc; undefined where there is no /proc. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function attr(xml: string, element: string, name: string): string | undefined {
  const tag = new RegExp(`<${element}\\b[^>]*\\s${name}="([^"]*)"`).exec(xml)?.[1];
  return tag?.replace(/&amp;/g, '&');
}

class Line {
  readonly samples: Sample[] = [];
  calls = 0;
  private readonly agent: http.Agent;

  constructor(
    private readonly port: number,
    private readonly started: number,
  ) {
    // Connections are reused, but one idle for 4 s is dropped first: the server closes idle
    // connections after 5 s, and reusing one it is closing would fail for reasons no real caller meets.
    this.agent = new http.Agent({ keepAlive: true, timeout: 4_000, maxSockets: CALLERS * 2 });
  }

  /** One signed webhook; resolves with the TwiML. */
  post(url: string, params: Record<string, string>): Promise<string> {
    if (!url.startsWith(PUBLIC_BASE_URL)) throw new Error(`unexpected URL ${url}`);
    const pathAndQuery = url.slice(PUBLIC_BASE_URL.length);
    const body = new URLSearchParams(params).toString();
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params);
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent: this.agent,
          host: '127.0.0.1',
          port: this.port,
          method: 'POST',
          path: pathAndQuery,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            'x-twilio-signature': signature,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => {
            const ok = res.statusCode === 200 && text.includes('<Response');
            this.samples.push({ at: t0 - this.started, ms: performance.now() - t0, ok });
            if (ok) resolve(text);
            else reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
          });
        },
      );
      req.on('error', (error) => {
        this.samples.push({ at: t0 - this.started, ms: performance.now() - t0, ok: false });
        reject(error);
      });
      req.end(body);
    });
  }

  /** One whole call by one caller. */
  async call(from: string, until: number): Promise<void> {
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    const base = {
      AccountSid: ACCOUNT_SID,
      ApiVersion: '2010-04-01',
      CallSid: callSid,
      CallStatus: 'in-progress',
      Direction: 'inbound',
      From: from,
      To: HALL_NUMBER,
      Called: HALL_NUMBER,
      Caller: from,
    };
    const think = () => sleep(randomInt(THINK_MIN_MS, THINK_MAX_MS + 1));
    const next = (xml: string) => {
      const action = attr(xml, 'Gather', 'action') ?? attr(xml, 'Record', 'action');
      if (!action) throw new Error(`no next step in ${xml.slice(0, 300)}`);
      return action;
    };
    let xml = await this.post(`${PUBLIC_BASE_URL}/channels/voice/inbound`, {
      ...base,
      CallStatus: 'ringing',
    });
    const steps: Record<string, string>[] = [];
    if (next(xml).includes('step=language')) steps.push({ Digits: String(randomInt(1, 4)) });
    steps.push(
      { Digits: '1' }, // hear the topics
      { Digits: String(randomInt(1, 9)) }, // a topic
      randomInt(2) === 0
        ? { Digits: String(randomInt(1, 4)) }
        : { SpeechResult: '我支持', Confidence: '0.9' },
      { Digits: '2' }, // no message
      { Digits: '3' }, // report a need
    );
    for (const answer of steps) {
      if (performance.now() - this.started > until) return;
      await think();
      xml = await this.post(next(xml), { ...base, ...answer });
    }
    await think();
    const recordingSid = `RE${randomBytes(16).toString('hex')}`;
    await this.post(next(xml), {
      ...base,
      RecordingSid: recordingSid,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`,
      RecordingDuration: String(randomInt(5, 60)),
      Digits: '#',
    });
    this.calls += 1;
  }

  close(): void {
    this.agent.destroy();
  }
}

export async function run(): Promise<BenchResult[]> {
  const numbers = callerNumbers(CALLERS);
  return withDatabase(async (url) => {
    await seed(url, numbers);
    const { port, child } = await startServer(url);
    const started = performance.now();
    const line = new Line(port, started);
    let errors = 0;
    let firstError: string | undefined;
    let cpuAtStart: number | undefined;
    let cpuAtEnd: number | undefined;
    const cpuMarks = [
      sleep(WARM_UP_MS).then(() => {
        cpuAtStart = cpuSeconds(child.pid);
      }),
      sleep(WARM_UP_MS + MEASURE_MS).then(() => {
        cpuAtEnd = cpuSeconds(child.pid);
      }),
    ];
    try {
      const until = WARM_UP_MS + MEASURE_MS;
      await Promise.all(
        numbers.map(async (from, i) => {
          // Callers ring in over the first seconds, not all in the same millisecond.
          await sleep((i * THINK_MAX_MS) / CALLERS);
          while (performance.now() - started < until) {
            await line.call(from, until).catch((error: unknown) => {
              errors += 1;
              firstError ??= String(error).slice(0, 200);
            });
          }
        }),
      );
      await Promise.all(cpuMarks);
    } finally {
      line.close();
      await stop(child);
    }
    const measured = line.samples.filter((s) => s.at >= WARM_UP_MS && s.at < WARM_UP_MS + MEASURE_MS);
    const latencies = measured.filter((s) => s.ok).map((s) => s.ms);
    const failed = measured.filter((s) => !s.ok).length;
    const rate = measured.length / (MEASURE_MS / 1000);
    const note = `${CALLERS} callers, think 2–6 s, ${measured.length} requests in ${MEASURE_MS / 1000} s`;
    return [
      {
        name: 'voice TwiML p50 at 200 concurrent calls',
        value: round(percentile(latencies, 50)),
        unit: 'ms',
        note,
      },
      {
        name: 'voice TwiML p95 at 200 concurrent calls',
        value: round(percentile(latencies, 95)),
        unit: 'ms',
      },
      {
        name: 'voice TwiML p99 at 200 concurrent calls',
        value: round(percentile(latencies, 99)),
        unit: 'ms',
        note: 'target ≤ 50',
      },
      { name: 'voice webhook requests served', value: Math.round(rate), unit: 'req/s' },
      {
        name: 'voice server CPU per request',
        value:
          cpuAtStart === undefined || cpuAtEnd === undefined || measured.length === 0
            ? Number.NaN
            : round(((cpuAtEnd - cpuAtStart) * 1000) / measured.length),
        unit: 'ms',
        note: 'gateway process only (user + system), PostgreSQL not included',
      },
      {
        name: 'voice calls completed',
        value: line.calls,
        unit: 'calls',
        note: `${failed} failed requests, ${errors} calls broken off${firstError ? ` (first: ${firstError})` : ''}`,
      },
    ];
  });
}

function round(ms: number): number {
  return Number(ms.toFixed(1));
}
