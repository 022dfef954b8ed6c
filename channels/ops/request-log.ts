import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AppEnv } from '../../src/app.ts';
import { requestRoute } from './request-route.ts';

/**
 * One JSON line per request: request id, method, route pattern, status, duration. Never bodies,
 * query strings or concrete paths, so nothing a resident typed (or their phone number) is logged.
 */
export function requestLog(log: Logger): MiddlewareHandler<AppEnv> {
  const http = log.child({ component: 'http' });
  return async function requestLogMiddleware(c, next) {
    const start = performance.now();
    try {
      await next();
    } finally {
      const status = c.res.status;
      const line = {
        requestId: c.get('requestId'),
        method: c.req.method,
        route: requestRoute(c),
        status,
        durationMs: Math.round((performance.now() - start) * 10) / 10,
      };
      if (status >= 500) http.warn(line, 'request');
      else http.info(line, 'request');
    }
  };
}
