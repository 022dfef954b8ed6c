/**
 * Helpers for route tests of staff pages: make staff, sign in (directly or through the form) and
 * carry cookies between requests. Test-only; not imported by the application.
 */
import type { Env, Hono } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
import { withDb } from '../../src/core/context.ts';
import type { StaffRole } from '../../src/db/schema.ts';
import { createStaff, type StaffSummary } from '../../src/staff/create-staff.ts';
import { startStaffSession } from '../../src/staff/start-staff-session.ts';
import { csrfTokenFor } from '../http/csrf.ts';
import { sessionCookieName } from '../http/staff-auth.ts';

export const TEST_PASSWORD = 'correct horse 42 battery';

/** A system ctx over the app's own database and clock. */
export function depsCtx(deps: AppDeps): Ctx {
  return withDb(
    {
      actor: { type: 'system', job: 'test' },
      db: deps.database.db,
      clock: deps.clock,
      log: deps.log,
      pii: deps.pii,
    },
    deps.database.db,
  );
}

let counter = 0;

/** A new active staff member with the given roles and TEST_PASSWORD (and communities, if given). */
export async function makeStaff(
  deps: AppDeps,
  roles: StaffRole[],
  extra: { username?: string; displayName?: string; communityIds?: string[] } = {},
): Promise<StaffSummary> {
  counter += 1;
  return createStaff(depsCtx(deps), {
    username: extra.username ?? `staff${counter}-${roles.join('-').replace(/_/g, '')}`.slice(0, 60),
    displayName: extra.displayName ?? `Test ${roles.join(' ')} ${counter}`,
    password: TEST_PASSWORD,
    roles,
    ...(extra.communityIds ? { communityIds: extra.communityIds } : {}),
  });
}

export interface SignedIn {
  cookie: string;
  csrfToken: string;
}

/** A session opened directly in the database, as a successful sign-in would. */
export async function signInDirectly(deps: AppDeps, staffId: string): Promise<SignedIn> {
  const session = await startStaffSession(depsCtx(deps), { staffId });
  return {
    cookie: `${sessionCookieName(deps.config)}=${session.token}`,
    csrfToken: csrfTokenFor(session.csrfSecret),
  };
}

/** Name=value pairs from a response's Set-Cookie headers (empty values mean deleted). */
export function setCookies(res: Response): Map<string, { value: string; raw: string }> {
  const out = new Map<string, { value: string; raw: string }>();
  for (const raw of res.headers.getSetCookie()) {
    const [pair = ''] = raw.split(';');
    const eq = pair.indexOf('=');
    out.set(pair.slice(0, eq).trim(), { value: pair.slice(eq + 1).trim(), raw });
  }
  return out;
}

/** The hidden CSRF field's value in a page. */
export function csrfFieldIn(html: string): string {
  const match = html.match(/name="_csrf" value="([^"]+)"/);
  if (!match?.[1]) throw new Error('page has no _csrf field');
  return match[1];
}

export interface LoginAttempt {
  res: Response;
  /** The session cookie the sign-in set, if it succeeded. */
  sessionCookie: string | undefined;
}

/** Fetches the sign-in form and submits it, as a browser would; `headers.cookie` goes with the submission. */
export async function signInThroughForm<E extends Env>(
  app: Hono<E>,
  deps: AppDeps,
  form: { username: string; password: string; next?: string },
  headers: Record<string, string> = {},
): Promise<LoginAttempt> {
  // Cookies given are sent with the submission only: a valid session would make the form redirect.
  const { cookie: _cookie, ...pageHeaders } = headers;
  const page = await app.request('/staff/login', { headers: { accept: 'text/html', ...pageHeaders } });
  const csrfCookie = [...setCookies(page).entries()].find(([name]) => name.endsWith('csrf'));
  if (!csrfCookie) throw new Error('sign-in page set no CSRF cookie');
  const body = new URLSearchParams({ _csrf: csrfFieldIn(await page.text()), ...form });
  const cookieHeader = [`${csrfCookie[0]}=${csrfCookie[1].value}`, headers.cookie].filter(Boolean).join('; ');
  const res = await app.request('/staff/login', {
    method: 'POST',
    headers: {
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
      cookie: cookieHeader,
    },
    body,
  });
  const session = setCookies(res).get(sessionCookieName(deps.config));
  return {
    res,
    sessionCookie: session?.value ? `${sessionCookieName(deps.config)}=${session.value}` : undefined,
  };
}
