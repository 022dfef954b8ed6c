/**
 * Cross-site request forgery defences for HTML forms.
 *
 * - Staff forms (signed in): a synchronizer token, an HMAC of a fixed label under the session's own
 *   csrfSecret. It is stable for the session, so several open tabs keep working, and useless with any
 *   other session.
 * - Anonymous forms (sign-in): a double-submit cookie. The form carries the same random value as an
 *   HttpOnly cookie that another site can neither read nor (with the `__Host-` prefix) plant.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../../src/config.ts';

/** Name of the hidden form field that carries the token. */
export const CSRF_FIELD = '_csrf';
/** Header that carries the token for script and API clients. */
export const CSRF_HEADER = 'x-csrf-token';

const ANON_COOKIE = 'csrf';

/** The token staff forms must send back, derived from the session's csrfSecret. */
export function csrfTokenFor(csrfSecret: string): string {
  return createHmac('sha256', csrfSecret).update('staff-form-v1').digest('base64url');
}

function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token the request sent: the header, else the form field (urlencoded or multipart bodies only). */
export async function submittedCsrfToken(c: Context): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) {
    return undefined;
  }
  // parseBody caches the result, so the handler can read the form again.
  const body = await c.req.parseBody();
  const value = body[CSRF_FIELD];
  return typeof value === 'string' ? value : undefined;
}

/** Whether the request carries the synchronizer token of this session. */
export async function hasValidStaffCsrf(c: Context, csrfSecret: string): Promise<boolean> {
  return sameToken(await submittedCsrfToken(c), csrfTokenFor(csrfSecret));
}

/** True for methods that change things and so must carry a token. */
export function isUnsafeMethod(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

function anonCookieOptions(config: Pick<Config, 'cookieSecure'>) {
  return config.cookieSecure
    ? ({ prefix: 'host', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' } as const)
    : ({ path: '/', httpOnly: true, sameSite: 'Strict' } as const);
}

/**
 * The double-submit token for an anonymous form: the one already in the cookie, or a new one that is
 * set now. Put the result in the form's CSRF_FIELD.
 */
export function issueAnonymousCsrf(c: Context, config: Pick<Config, 'cookieSecure'>): string {
  const options = anonCookieOptions(config);
  const existing = getCookie(c, ANON_COOKIE, config.cookieSecure ? 'host' : undefined);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  setCookie(c, ANON_COOKIE, token, options);
  return token;
}

/** Whether an anonymous form came back with the token its cookie holds. */
export async function hasValidAnonymousCsrf(
  c: Context,
  config: Pick<Config, 'cookieSecure'>,
): Promise<boolean> {
  const cookie = getCookie(c, ANON_COOKIE, config.cookieSecure ? 'host' : undefined);
  return sameToken(await submittedCsrfToken(c), cookie);
}

/** Drops the anonymous token, e.g. once the person has signed in and has a session instead. */
export function clearAnonymousCsrf(c: Context, config: Pick<Config, 'cookieSecure'>): void {
  deleteCookie(c, ANON_COOKIE, anonCookieOptions(config));
}
