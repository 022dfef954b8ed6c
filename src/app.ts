/**
 * Builds the HTTP application from the channel adapters. A composition root: the only place in src/
 * besides the entry points that knows about Hono.
 */
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { AppDeps } from './app-deps.ts';

export type AppEnv = {
  Variables: {
    requestId: string;
  };
};

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  void deps;
  return app;
}
