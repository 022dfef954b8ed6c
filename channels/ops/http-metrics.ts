import type { MiddlewareHandler } from 'hono';
import { Counter, Histogram, type Registry } from 'prom-client';
import { requestRoute } from './request-route.ts';

export const HTTP_REQUESTS_TOTAL = 'http_requests_total';
export const HTTP_REQUEST_DURATION = 'http_request_duration_seconds';

const LABELS = ['method', 'route', 'status'] as const;

/** Counts requests and records their duration by method, route pattern and status. */
export function httpMetrics(registry: Registry): MiddlewareHandler {
  // The same registry may serve several app instances (tests); metrics are registered once.
  const counter =
    (registry.getSingleMetric(HTTP_REQUESTS_TOTAL) as Counter<(typeof LABELS)[number]> | undefined) ??
    new Counter({
      name: HTTP_REQUESTS_TOTAL,
      help: 'HTTP requests by method, route pattern and status',
      labelNames: LABELS,
      registers: [registry],
    });
  const histogram =
    (registry.getSingleMetric(HTTP_REQUEST_DURATION) as Histogram<(typeof LABELS)[number]> | undefined) ??
    new Histogram({
      name: HTTP_REQUEST_DURATION,
      help: 'HTTP request duration in seconds by method, route pattern and status',
      labelNames: LABELS,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  return async function httpMetricsMiddleware(c, next) {
    const start = performance.now();
    try {
      await next();
    } finally {
      const labels = { method: c.req.method, route: requestRoute(c), status: String(c.res.status) };
      counter.inc(labels);
      histogram.observe(labels, (performance.now() - start) / 1000);
    }
  };
}
