import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** Loopback, private and link-local ranges: where a reverse proxy in front of the app would sit. */
const PRIVATE_ADDRESS =
  /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|::1$|f[cd][0-9a-f]{2}:|fe80:|::ffff:(127|10|192\.168)\.)/i;

/**
 * The client's address for throttling. The socket address, unless it is a private one and the request
 * carries X-Forwarded-For: then the last hop the proxy appended, since a client can forge the rest.
 */
export function clientAddress(c: Context): string {
  let socket: string | undefined;
  try {
    socket = getConnInfo(c).remote.address;
  } catch {
    // No Node socket (e.g. app.request in tests): only the forwarded header can say.
    socket = undefined;
  }
  const forwarded = c.req
    .header('x-forwarded-for')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .at(-1);
  if (forwarded && (!socket || PRIVATE_ADDRESS.test(socket))) return forwarded;
  return socket ?? 'unknown';
}
