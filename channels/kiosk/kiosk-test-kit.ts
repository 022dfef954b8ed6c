/**
 * Helpers for kiosk route tests: a registered device with its cookie and CSRF token, and requests
 * made the way a kiosk screen makes them. Test-only; not imported by the application.
 */
import type { Env, Hono } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import { registerKioskDevice } from '../../src/kiosk/register-kiosk-device.ts';
import { depsCtx } from '../console/console-test-kit.ts';
import { deviceCookieName, kioskCsrfToken } from './kiosk-auth.ts';

export interface TestKiosk {
  id: string;
  token: string;
  /** The Cookie header a kiosk carries after activation. */
  cookie: string;
  csrfToken: string;
}

/** A device registered by the system actor, as if activated on its screen. */
export async function registerTestKiosk(
  deps: AppDeps,
  input: { label?: string; communityId?: string } = {},
): Promise<TestKiosk> {
  const { device, token } = await registerKioskDevice(depsCtx(deps), {
    label: input.label ?? 'Test kiosk',
    location: { 'zh-CN': '幸福超市一楼', en: 'Xingfu supermarket' },
    ...(input.communityId ? { communityId: input.communityId } : {}),
  });
  const canonical = token.replaceAll('-', '');
  return {
    id: device.id,
    token,
    cookie: `${deviceCookieName(deps.config)}=${canonical}`,
    csrfToken: kioskCsrfToken(canonical),
  };
}

/** A GET from a kiosk's browser. */
export function kioskGet<E extends Env>(app: Hono<E>, path: string, kiosk: TestKiosk | undefined) {
  return app.request(path, {
    headers: { accept: 'text/html', ...(kiosk ? { cookie: kiosk.cookie } : {}) },
  });
}

/** A form post from a kiosk screen without script; `_csrf` is filled in unless given. */
export function kioskPostForm<E extends Env>(
  app: Hono<E>,
  path: string,
  kiosk: TestKiosk | undefined,
  fields: Record<string, string>,
) {
  const body = new URLSearchParams({ _csrf: kiosk?.csrfToken ?? '', ...fields });
  return app.request(path, {
    method: 'POST',
    headers: {
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      ...(kiosk ? { cookie: kiosk.cookie } : {}),
    },
    body,
  });
}

/** What the kiosk script sends from its offline queue. */
export function kioskPostJson<E extends Env>(
  app: Hono<E>,
  kiosk: TestKiosk | undefined,
  payload: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return app.request('/kiosk/api/intakes', {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      ...(kiosk ? { cookie: kiosk.cookie, 'x-csrf-token': kiosk.csrfToken } : {}),
      ...headers,
    },
    body: JSON.stringify(payload),
  });
}

/** The hidden receipt (server-made externalId) of a kiosk form. */
export function receiptIn(html: string): string {
  const match = html.match(/name="receipt" value="([^"]+)"/);
  if (!match?.[1]) throw new Error('page has no receipt field');
  return match[1];
}
