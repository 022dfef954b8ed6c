/**
 * Staff sign-in state for HTTP: the session cookie, the middleware that resolves it, and
 * `staffRoute`, the only way staff routes are registered, so each one carries a role check and is
 * listed in `staffRouteRegistry` for the route-coverage test.
 */
import type { Context, Handler, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Config } from '../../src/config.ts';
import type { Ctx } from '../../src/core/context.ts';
import type { StaffRole } from '../../src/db/schema.ts';
import { type ResolvedStaffSession, resolveStaffSession } from '../../src/staff/resolve-staff-session.ts';
import { hasValidStaffCsrf, isUnsafeMethod } from './csrf.ts';
import type { StaffEnv } from './env.ts';
import { currentPath, pageSetup, renderMessagePage, wantsHtml } from './pages.tsx';

export const SESSION_COOKIE = 'staff_session';
export const LOGIN_PATH = '/staff/login';

export type StaffMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface StaffRouteEntry {
  method: StaffMethod;
  /** The full path as the application serves it. */
  path: string;
  roles: readonly StaffRole[];
}

/** Every route registered through staffRoute, with the roles it admits. */
export const staffRouteRegistry: StaffRouteEntry[] = [];

const appDeps = new WeakMap<Hono<StaffEnv>, AppDeps>();

/**
 * A Hono sub-app for staff routes. Mount it at '/' (`app.route('/', sub)`): staffRoute paths are
 * full paths, and the registry records them as such.
 */
export function createStaffApp(deps: AppDeps): Hono<StaffEnv> {
  const app = new Hono<StaffEnv>();
  appDeps.set(app, deps);
  return app;
}

/** The cookie name: `__Host-` prefixed when cookies are Secure, which pins it to this host and path /. */
export function sessionCookieName(config: Pick<Config, 'cookieSecure'>): string {
  return config.cookieSecure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

/**
 * SameSite=Lax rather than Strict: Strict would drop the cookie when a staff member follows a link to
 * the console from elsewhere (a chat message, a bookmark opened from another site), showing them the
 * sign-in page although they are signed in. Lax still withholds it from cross-site POSTs, and every
 * unsafe request additionally needs the session's CSRF token. No Max-Age: the cookie ends with the
 * browser session, which matters on shared office computers; the server enforces 30 min idle / 12 h.
 */
export function setSessionCookie(c: Context, config: Pick<Config, 'cookieSecure'>, token: string): void {
  setCookie(c, sessionCookieName(config), token, {
    path: '/',
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: 'Lax',
  });
}

export function clearSessionCookie(c: Context, config: Pick<Config, 'cookieSecure'>): void {
  deleteCookie(c, sessionCookieName(config), { path: '/', secure: config.cookieSecure, httpOnly: true });
}

/** The session token the request carries, if any. */
export function sessionTokenFrom(c: Context, config: Pick<Config, 'cookieSecure'>): string | undefined {
  return getCookie(c, sessionCookieName(config)) || undefined;
}

/** A context for core verbs acting as the signed-in staff member (or the system when nobody is). */
export function requestCtx(deps: AppDeps, c: Context<StaffEnv>, systemJob = 'console'): Ctx {
  const auth = c.get('staffAuth');
  return {
    actor: auth
      ? { type: 'staff', staffId: auth.staff.id, roles: auth.staff.roles }
      : { type: 'system', job: systemJob },
    db: deps.database.db,
    clock: deps.clock,
    log: deps.log.child({ requestId: c.get('requestId') }),
    pii: deps.pii,
  };
}

/** Resolves the session cookie into `staffAuth` (undefined when absent or no longer valid). */
export function staffSession(deps: AppDeps): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    const token = sessionTokenFrom(c, deps.config);
    c.set('sessionToken', token);
    c.set('staffAuth', token ? await resolveStaffSession(requestCtx(deps, c), { token }) : undefined);
    await next();
  };
}

/** The signed-in staff member; only call it in handlers registered with staffRoute. */
export function currentStaff(c: Context<StaffEnv>): ResolvedStaffSession {
  const auth = c.get('staffAuth');
  if (!auth) throw new Error('currentStaff called outside a staff route');
  return auth;
}

/** Whether someone holding these roles may use something open to `allowed`. */
export function hasAnyRole(roles: readonly StaffRole[], allowed: readonly StaffRole[]): boolean {
  return roles.some((r) => allowed.includes(r));
}

/** Where the sign-in page should send someone back to after signing in. */
export function loginUrl(next: string): string {
  return `${LOGIN_PATH}?next=${encodeURIComponent(next)}`;
}

function requireRoles(deps: AppDeps, roles: readonly StaffRole[]): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    const auth = c.get('staffAuth');
    if (!auth) {
      if (c.req.method === 'GET' && wantsHtml(c)) return c.redirect(loginUrl(currentPath(c)), 302);
      return refuse(deps, c, 401, 'unauthenticated', {
        title: 'web:unauthenticated.title',
        body: 'web:unauthenticated.body',
        link: { href: LOGIN_PATH, label: 'web:unauthenticated.signIn' },
      });
    }
    if (!hasAnyRole(auth.staff.roles, roles)) {
      deps.log.warn(
        { requestId: c.get('requestId'), staffId: auth.staff.id, path: c.req.path },
        'staff route refused: role not allowed',
      );
      return refuse(deps, c, 403, 'forbidden', {
        title: 'web:forbidden.title',
        body: 'web:forbidden.body',
        link: { href: '/console', label: 'web:forbidden.home' },
      });
    }
    if (isUnsafeMethod(c.req.method) && !(await hasValidStaffCsrf(c, auth.session.csrfSecret))) {
      return csrfRejected(deps, c);
    }
    await next();
  };
}

/** The 403 answer to a form without a valid CSRF token (often: a page left open across sign-ins). */
export function csrfRejected(
  deps: Pick<AppDeps, 'config'>,
  c: Context<StaffEnv>,
): Response | Promise<Response> {
  return refuse(deps, c, 403, 'forbidden', {
    title: 'web:csrf.title',
    body: 'web:csrf.body',
    link: { href: c.req.path, label: 'web:csrf.retry' },
  });
}

/**
 * Registers a staff route: page setup, session, role check (anonymous → 302 to sign-in for HTML GETs,
 * else 401; wrong role → 403), a CSRF check on unsafe methods, then the handlers. The route is
 * recorded in staffRouteRegistry. `app` must come from createStaffApp.
 */
export function staffRoute(
  app: Hono<StaffEnv>,
  method: StaffMethod,
  path: string,
  roles: readonly StaffRole[],
  ...handlers: [...MiddlewareHandler<StaffEnv>[], Handler<StaffEnv>]
): void {
  const deps = appDeps.get(app);
  if (!deps) throw new Error('staffRoute needs an app made by createStaffApp');
  if (roles.length === 0) throw new Error(`staff route ${method} ${path} admits no role`);
  const entry: StaffRouteEntry = { method, path, roles: [...roles] };
  const existing = staffRouteRegistry.findIndex((r) => r.method === method && r.path === path);
  if (existing >= 0) staffRouteRegistry[existing] = entry;
  else staffRouteRegistry.push(entry);
  const chain: Handler<StaffEnv>[] = [
    pageSetup<StaffEnv>(deps),
    staffSession(deps),
    requireRoles(deps, roles),
    ...handlers,
  ];
  app.on(method, path, ...(chain as [Handler<StaffEnv>]));
}

/**
 * A refusal in the requester's medium: JSON with a request id for programs, an accessible page with a
 * way forward for people.
 */
function refuse(
  deps: Pick<AppDeps, 'config'>,
  c: Context<StaffEnv>,
  status: 401 | 403,
  code: 'unauthenticated' | 'forbidden',
  keys: { title: string; body: string; link: { href: string; label: string } },
): Response | Promise<Response> {
  const t = c.get('t');
  if (!wantsHtml(c)) {
    return c.json({ error: { code, message: t(keys.body), requestId: c.get('requestId') } }, status);
  }
  return renderMessagePage(c, status, {
    t,
    locale: c.get('locale'),
    title: t(keys.title),
    helpPhone: deps.config.helpPhone,
    paragraphs: [t(keys.body)],
    links: [{ href: keys.link.href, label: t(keys.link.label) }],
  });
}
