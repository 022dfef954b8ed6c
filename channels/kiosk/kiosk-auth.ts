/**
 * How a kiosk proves itself: the device token, entered once by staff, lives in an HttpOnly cookie;
 * every kiosk route but activation and static assets checks it against an active registration.
 * Forms carry a CSRF token derived from the device token, so it is stable across the device's pages
 * (the offline queue can send later) and useless to anyone without the cookie.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Config } from '../../src/config.ts';
import type { Ctx } from '../../src/core/context.ts';
import { submittedCsrfToken } from '../http/csrf.ts';

const COOKIE = 'kiosk_device';
// Browsers cap cookie lifetimes at 400 days; a kiosk re-activated once a year is acceptable.
const COOKIE_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

/** `__Host-` prefixed when cookies are Secure, which pins the cookie to this host and path. */
export function deviceCookieName(config: Pick<Config, 'cookieSecure'>): string {
  return config.cookieSecure ? `__Host-${COOKIE}` : COOKIE;
}

export function setDeviceCookie(c: Context, config: Pick<Config, 'cookieSecure'>, token: string): void {
  setCookie(c, deviceCookieName(config), token, {
    path: '/',
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: 'Strict',
    maxAge: COOKIE_MAX_AGE_SECONDS,
  });
}

/** The device token the request carries, if any. */
export function deviceTokenFrom(c: Context, config: Pick<Config, 'cookieSecure'>): string | undefined {
  return getCookie(c, deviceCookieName(config)) || undefined;
}

/** The CSRF token kiosk forms and scripts send back. */
export function kioskCsrfToken(deviceToken: string): string {
  return createHmac('sha256', deviceToken).update('kiosk-form-v1').digest('base64url');
}

/** Whether an unsafe request carries this device's CSRF token (header or form field). */
export async function hasValidKioskCsrf(c: Context, deviceToken: string): Promise<boolean> {
  const sent = await submittedCsrfToken(c);
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(kioskCsrfToken(deviceToken));
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A core context for a kiosk request: an anonymous resident at a kiosk. */
export function kioskCtx(deps: AppDeps, requestId: string): Ctx {
  return {
    actor: { type: 'resident', via: 'kiosk' },
    db: deps.database.db,
    clock: deps.clock,
    log: deps.log.child({ requestId, channel: 'kiosk' }),
    pii: deps.pii,
  };
}
