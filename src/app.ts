/**
 * Builds the HTTP application from the channel adapters. A composition root: the only place in src/
 * besides the entry points that knows about Hono.
 */
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { createCampaignsApi } from '../channels/console/campaigns-api.ts';
import { createConsoleApp } from '../channels/console/console-app.tsx';
import { createKioskApp } from '../channels/kiosk/kiosk-app.tsx';
import { errorHandler } from '../channels/ops/error-handler.ts';
import { httpMetrics } from '../channels/ops/http-metrics.ts';
import { createOpsApp } from '../channels/ops/ops-app.ts';
import { newRequestId } from '../channels/ops/request-id.ts';
import { requestLog } from '../channels/ops/request-log.ts';
import { createSmsApp } from '../channels/sms/sms-inbound-app.ts';
import { createSmsStatusApp } from '../channels/sms/status-app.ts';
import { webNotFound } from '../channels/web/not-found.tsx';
import { createWebApp } from '../channels/web/web-app.tsx';
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
  app.notFound(webNotFound(deps));
  app.route('/', createOpsApp(deps));
  app.route('/', createConsoleApp(deps));
  app.route('/', createCampaignsApi(deps));
  app.route('/', createKioskApp(deps));
  app.route('/', createSmsApp(deps));
  app.route('/', createSmsStatusApp(deps));
  app.route('/', createWebApp(deps));
  return app;
}
