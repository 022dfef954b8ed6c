/**
 * Route-test helpers for the lists, KPI and balance pages: signed-in staff (with a department for
 * liaisons) who can GET pages and POST forms with their CSRF token. Test-only.
 */

import { createApp } from '../../src/app.ts';
import type { AppDeps } from '../../src/app-deps.ts';
import type { StaffRole } from '../../src/db/schema.ts';
import { createStaff } from '../../src/staff/create-staff.ts';
import { createTestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase } from '../../src/testing/test-database.ts';
import { depsCtx, signInDirectly, TEST_PASSWORD } from './console-test-kit.ts';

/** Anything that answers requests the way `Hono#request` does. */
export interface Requester {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

export interface Member {
  id: string;
  username: string;
  get(path: string, accept?: string): Promise<Response>;
  post(
    path: string,
    form: Record<string, string | string[]>,
    options?: { csrf?: boolean },
  ): Promise<Response>;
}

/** A fresh database and app, the clock at 10:00 Beijing time on 1 September 2026, where these tests begin. */
export async function listsTestApp() {
  const database = await createTestDatabase();
  const deps = createTestAppDeps(database);
  deps.clock.set('2026-09-01T02:00:00Z');
  return { database, deps, app: createApp(deps) };
}

let counter = 0;

/** A staff member of `app` who is signed in for each request. */
export async function member(
  app: Requester,
  deps: AppDeps,
  roles: StaffRole[],
  department?: string,
): Promise<Member> {
  counter += 1;
  const summary = await createStaff(depsCtx(deps), {
    username: `lists${counter}-${roles.join('-').replace(/_/g, '')}`.slice(0, 60),
    displayName: `测试${counter}`,
    password: TEST_PASSWORD,
    roles,
    ...(department ? { department } : {}),
  });
  // A fresh session per request: tests move the clock by weeks, far past any session's lifetime.
  const session = () => signInDirectly(deps, summary.id);
  return {
    id: summary.id,
    username: summary.username,
    get: async (path, accept = 'text/html') => {
      const { cookie } = await session();
      return app.request(path, { headers: { accept, cookie } });
    },
    post: async (path, form, options = {}) => {
      const { cookie, csrfToken } = await session();
      const body = new URLSearchParams();
      if (options.csrf !== false) body.append('_csrf', csrfToken);
      for (const [name, value] of Object.entries(form)) {
        for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
      }
      return app.request(path, {
        method: 'POST',
        headers: { accept: 'text/html', cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    },
  };
}

/** Follows a 303 answer with a GET as the browser would. */
export async function follow(m: Member, res: Response): Promise<Response> {
  const location = res.headers.get('location');
  if (res.status !== 303 || !location) throw new Error(`expected a 303 redirect, got ${res.status}`);
  return m.get(location);
}
