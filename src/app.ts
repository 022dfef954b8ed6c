/**
 * Builds the HTTP application from the channel adapters. A composition root: the only place in src/
 * besides the entry points that knows about Hono.
 */
import { Hono } from 'hono';
import { createCampaignsApi } from '../channels/console/campaigns-api.ts';
import { createConsoleApp } from '../channels/console/console-app.tsx';
import { createListsConsoleApp } from '../channels/console/lists-app.tsx';
import { createMeetingApp } from '../channels/console/meeting-app.tsx';
import { createScreeningApp } from '../channels/console/screening-app.tsx';
import { createTopicAdminApp } from '../channels/console/topic-admin-app.tsx';
import { createKioskApp } from '../channels/kiosk/kiosk-app.tsx';
import { createOpenDataApp } from '../channels/open-data/open-data-app.ts';
import { errorHandler } from '../channels/ops/error-handler.ts';
import { httpMetrics } from '../channels/ops/http-metrics.ts';
import { createOpsApp } from '../channels/ops/ops-app.ts';
import { requestIds } from '../channels/ops/request-id.ts';
import { requestLog } from '../channels/ops/request-log.ts';
import { createProxyApp } from '../channels/proxy/proxy-app.tsx';
import { createSmsApp } from '../channels/sms/sms-inbound-app.ts';
import { createSmsStatusApp } from '../channels/sms/status-app.ts';
import { createCallbacksConsole } from '../channels/voice/callbacks-console.tsx';
import { createVoiceInboundApp } from '../channels/voice/voice-inbound-app.ts';
import { createVoiceOutboundApp } from '../channels/voice/voice-outbound-app.ts';
import { createVoiceStatusApp } from '../channels/voice/voice-status-app.ts';
import { createVoiceSurveyApp } from '../channels/voice/voice-survey-app.ts';
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
  app.use(requestIds());
  app.use(requestLog(deps.log));
  app.use(httpMetrics(deps.metrics));
  app.onError(errorHandler(deps));
  app.notFound(webNotFound(deps));
  app.route('/', createOpsApp(deps));
  app.route('/', createConsoleApp(deps));
  app.route('/', createCampaignsApi(deps));
  app.route('/', createScreeningApp(deps));
  app.route('/', createTopicAdminApp(deps));
  app.route('/', createMeetingApp(deps));
  app.route('/', createListsConsoleApp(deps));
  app.route('/', createOpenDataApp(deps));
  app.route('/', createKioskApp(deps));
  app.route('/', createProxyApp(deps));
  app.route('/', createSmsApp(deps));
  app.route('/', createSmsStatusApp(deps));
  app.route('/', createVoiceInboundApp(deps));
  app.route('/', createCallbacksConsole(deps));
  app.route('/', createVoiceStatusApp(deps));
  app.route('/', createVoiceOutboundApp(deps));
  app.route('/', createVoiceSurveyApp(deps));
  app.route('/', createWebApp(deps));
  return app;
}
