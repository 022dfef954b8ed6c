import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/** Label for requests that no route handled: keeps arbitrary paths out of logs and metric labels. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * The route pattern (`/topics/:id`) that answered a request, never the concrete path or query. Call
 * it after `next()`: it names the last handler that ran.
 */
export function requestRoute(c: Context): string {
  const route = matchedRoutes(c)[c.req.routeIndex];
  // Only `use()` middleware ran and the 404 came from notFound: no route matched.
  if (!route || (route.method === 'ALL' && c.res.status === 404)) return UNMATCHED_ROUTE;
  return route.path;
}
