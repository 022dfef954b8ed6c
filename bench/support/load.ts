/** A small HTTP load generator over keep-alive connections, for loopback benchmarks only. */
import http from 'node:http';

export interface PreparedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  completed: number;
  failed: number;
  seconds: number;
  latenciesMs: number[];
}

function send(agent: http.Agent, port: number, request: PreparedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: request.path,
        headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

/** Sends every request with at most `concurrency` in flight; measures throughput. */
export async function closedLoop(
  port: number,
  requests: PreparedRequest[],
  concurrency: number,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latenciesMs: number[] = [];
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const request = requests[next++];
        if (!request) return;
        const t0 = performance.now();
        const status = await send(agent, port, request).catch(() => 0);
        latenciesMs.push(performance.now() - t0);
        if (status < 200 || status >= 300) failed += 1;
      }
    }),
  );
  agent.destroy();
  return {
    completed: requests.length - failed,
    failed,
    seconds: (performance.now() - started) / 1000,
    latenciesMs,
  };
}

/**
 * Offers requests at a fixed rate whatever the server does (open loop). Latency counts from the moment
 * a request was due, so a server that falls behind is charged for the queueing it causes.
 */
export async function openLoop(
  port: number,
  requests: PreparedRequest[],
  perSecond: number,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const latenciesMs: number[] = [];
  let failed = 0;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  // Each request leaves once it is due, never early: a request sent ahead of its time would be
  // charged less than the wait a real sender sees. A short tick keeps the lateness small.
  const tickMs = 1;
  let sent = 0;
  while (sent < requests.length) {
    const elapsed = performance.now() - started;
    const due = Math.min(requests.length, Math.floor((elapsed * perSecond) / 1000) + 1);
    for (; sent < due; sent += 1) {
      const request = requests[sent] as PreparedRequest;
      const dueAt = started + (sent / perSecond) * 1000;
      inFlight.push(
        send(agent, port, request)
          .catch(() => 0)
          .then((status) => {
            latenciesMs.push(performance.now() - dueAt);
            if (status < 200 || status >= 300) failed += 1;
          }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return {
    completed: requests.length - failed,
    failed,
    seconds: (performance.now() - started) / 1000,
    latenciesMs,
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
