import { randomUUID } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../src/app.ts';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** What a proxy in front may send as its own request id: short, and safe to log and echo. */
const ACCEPTED_ID = /^[\w\-=]{1,255}$/;

/**
 * A fresh request id: 32 hex digits. The dashed UUID form is avoided because the logger masks digit
 * runs that look like phone numbers, and a dashed UUID often contains one ("…-4333-9838-…"), which
 * would make the logged id differ from the one returned in X-Request-Id.
 */
export function newRequestId(): string {
  return randomUUID().replaceAll('-', '');
}

function nodeResponseOf(c: Context<AppEnv>): HttpBindings['outgoing'] | undefined {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('outgoing' in env)) return undefined;
  return (env as HttpBindings).outgoing;
}

/**
 * Gives every request an id (the one a proxy sent, when well formed), kept in `c.var.requestId` and
 * returned in X-Request-Id. Under Node's server the header goes straight onto Node's response: a
 * header set through Hono's context would make every response carry a fetch `Headers` object, which
 * costs more than some whole webhook handlers. Elsewhere (tests, other runtimes) it goes through Hono.
 */
export function requestIds(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const sent = c.req.header(REQUEST_ID_HEADER);
    const id = sent !== undefined && ACCEPTED_ID.test(sent) ? sent : newRequestId();
    c.set('requestId', id);
    const outgoing = nodeResponseOf(c);
    if (outgoing) outgoing.setHeader(REQUEST_ID_HEADER, id);
    else c.header(REQUEST_ID_HEADER, id);
    await next();
  };
}
