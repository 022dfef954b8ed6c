/**
 * Builds the HTTP application from the channel adapters. A composition root: the only place in src/
 * besides the entry points that knows about Hono.
 */
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { createConsoleApp } from '../channels/console/console-app.tsx';
import { errorHandler } from '../channels/ops/error-handler.ts';
import { httpMetrics } from '../channels/ops/http-metrics.ts';
import { createOpsApp } from '../channels/ops/ops-app.ts';
import { newRequestId } from '../channels/ops/request-id.ts';
import { requestLog } from '../channels/ops/request-log.ts';
import type { AppDeps } from './app-deps.ts';

export type AppEnv = {
  Variables: {
    requestId: string;
  };
};

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId({ generator: newRequestId }));
  app.use(requestLog(deps.log));
  app.use(httpMetrics(deps.metrics));
  app.onError(errorHandler(deps));
  app.route('/', createOpsApp(deps));
  app.route('/', createConsoleApp(deps));
  void deps;
  return app;
}
