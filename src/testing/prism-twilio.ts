/**
 * A local stand-in of Twilio's REST API for tests and benchmarks: Prism serving Twilio's own OpenAPI
 * description (it validates every request against the contract and answers with the spec's example
 * bodies), behind an in-process recording proxy so tests can see exactly what reached "Twilio".
 * Prism takes ~15 s to load the spec: start it once per test file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** Twilio's OpenAPI description: `TWILIO_OPENAPI_SPEC`, else `../shared/twilio/` beside the repository. */
export function twilioOpenApiSpecPath(): string {
  return process.env.TWILIO_OPENAPI_SPEC ?? path.resolve(REPO_ROOT, '../shared/twilio/twilio_api_v2010.json');
}

export interface RecordedTwilioRequest {
  method: string;
  /** Path without the query string, e.g. `/2010-04-01/Accounts/AC…/Messages.json`. */
  path: string;
  query: URLSearchParams;
  /** The form-encoded body as sent (empty for other content types). */
  form: URLSearchParams;
  /** What Prism answered: 2xx = accepted by the contract, 422 = the request violated it. */
  status: number;
  /** Prism's answer body, for diagnosing a 4xx. */
  responseBody: string;
}

export interface PrismTwilio {
  /** Where the SDK should send requests (`TWILIO_API_BASE_URL`): the recording proxy. */
  baseUrl: string;
  /** Every request received so far, in arrival order. */
  readonly requests: readonly RecordedTwilioRequest[];
  /** The Messages create requests (`POST …/Messages.json`). */
  messageRequests(): RecordedTwilioRequest[];
  clear(): void;
  stop(): Promise<void>;
}

export interface StartPrismTwilioOptions {
  specPath?: string;
  /** How long Prism may take to load the spec and listen. */
  startTimeoutMs?: number;
}

const LISTENING = /Prism is listening on (http:\/\/\S+)/;
// Prism colours its console output when it thinks it can.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escape sequences
const ANSI = /\u001b\[[0-9;]*m/g;

async function freeLoopbackPort(): Promise<number> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function waitForListening(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const finish = (error: Error | undefined, url?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(url as string);
    };
    const onData = (chunk: Buffer) => {
      // Keep only the tail: Prism logs every route it loads and every request it serves.
      output = (output + chunk.toString('utf8').replace(ANSI, '')).slice(-8000);
      const match = LISTENING.exec(output);
      if (match?.[1]) finish(undefined, match[1]);
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`Prism exited (${signal ?? code}) before listening:\n${output.slice(-2000)}`));
    const timer = setTimeout(
      () => finish(new Error(`Prism did not listen within ${timeoutMs} ms:\n${output.slice(-2000)}`)),
      timeoutMs,
    );
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', onExit);
  });
}

async function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Forwards one request to Prism and returns its answer. */
function forward(
  target: URL,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host };
    delete headers.connection;
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (res) => {
        readBody(res).then(
          (data) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: data }),
          reject,
        );
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/**
 * Starts Prism on a free loopback port with Twilio's spec and a recording proxy in front of it.
 * Resolves once Prism listens (allow up to a minute on a busy machine).
 */
export async function startPrismTwilio(options: StartPrismTwilioOptions = {}): Promise<PrismTwilio> {
  const specPath = options.specPath ?? twilioOpenApiSpecPath();
  if (!existsSync(specPath)) {
    throw new Error(`Twilio's OpenAPI description is not at ${specPath} (set TWILIO_OPENAPI_SPEC)`);
  }
  const prismBin = path.join(REPO_ROOT, 'node_modules/.bin/prism');
  const port = await freeLoopbackPort();
  const child = spawn(prismBin, ['mock', '-h', '127.0.0.1', '-p', String(port), specPath], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let prismUrl: URL;
  try {
    prismUrl = new URL(await waitForListening(child, options.startTimeoutMs ?? 60_000));
  } catch (error) {
    child.kill('SIGKILL');
    process.off('exit', killOnExit);
    throw error;
  }
  // Prism's request logs must keep draining, or it blocks once the pipe buffer fills.
  child.stdout?.resume();
  child.stderr?.resume();

  const requests: RecordedTwilioRequest[] = [];
  const proxy = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://proxy.invalid');
      const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      try {
        const answer = await forward(prismUrl, req, body);
        requests.push({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          form: new URLSearchParams(isForm ? body.toString('utf8') : ''),
          status: answer.status,
          responseBody: answer.body.toString('utf8'),
        });
        const headers = { ...answer.headers };
        delete headers['transfer-encoding'];
        headers['content-length'] = String(answer.body.length);
        res.writeHead(answer.status, headers);
        res.end(answer.body);
      } catch (error) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy could not reach Prism: ${(error as Error).message}`);
      }
    })();
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  const proxyPort = (proxy.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${proxyPort}`,
    requests,
    messageRequests: () => requests.filter((r) => r.method === 'POST' && /\/Messages\.json$/.test(r.path)),
    clear() {
      requests.length = 0;
    },
    async stop() {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
