import { Hono } from 'hono';
import type { AppEnv } from '../../src/app.ts';
import type { AppDeps } from '../../src/app-deps.ts';

/** How long a dependency may take to answer before it counts as down. */
export const READINESS_TIMEOUT_MS = 1000;

export type CheckResult = { ok: true; ms: number } | { ok: false; error: string };

async function check(run: () => Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - start) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Readiness of the process's dependencies: the database and Redis. */
export async function readiness(
  deps: Pick<AppDeps, 'database' | 'redis'>,
  timeoutMs = READINESS_TIMEOUT_MS,
): Promise<{ ready: boolean; checks: { database: CheckResult; redis: CheckResult } }> {
  const [database, redis] = await Promise.all([
    check(() => deps.database.ping(), timeoutMs),
    check(async () => {
      // With maxRetriesPerRequest: null a PING would wait for the reconnect; answer at once instead.
      if (deps.redis.status !== 'ready') throw new Error(`not connected (${deps.redis.status})`);
      await deps.redis.ping();
    }, timeoutMs),
  ]);
  return { ready: database.ok && redis.ok, checks: { database, redis } };
}

/**
 * Operations endpoints: `/healthz` (the process is alive), `/readyz` (database and Redis answer),
 * `/metrics` (Prometheus text).
 */
export function createOpsApp(deps: Pick<AppDeps, 'database' | 'redis' | 'metrics'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'ok' });
  });
  app.get('/readyz', async (c) => {
    const { ready, checks } = await readiness(deps);
    c.header('Cache-Control', 'no-store');
    const failed = (Object.keys(checks) as (keyof typeof checks)[]).filter((name) => !checks[name].ok);
    return c.json({ status: ready ? 'ready' : 'unavailable', failed, checks }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const text = await deps.metrics.metrics();
    return c.text(text, 200, { 'Content-Type': deps.metrics.contentType, 'Cache-Control': 'no-store' });
  });
  return app;
}
