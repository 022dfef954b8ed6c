/**
 * Every staff route is role-checked: the test walks the whole application's routes, so a route added
 * later anywhere in the app is covered without touching this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { STAFF_ROLES, type StaffRole } from '../../src/db/schema.ts';
import type { StaffSummary } from '../../src/staff/create-staff.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { LOGIN_PATH, type StaffRouteEntry, staffRouteRegistry } from '../http/staff-auth.ts';
import { makeStaff, signInDirectly } from './console-test-kit.ts';

const STAFF_PREFIXES = ['/console', '/proxy', '/api/staff', '/staff'];
const PUBLIC_STAFF_ROUTES = new Set([`GET ${LOGIN_PATH}`, `POST ${LOGIN_PATH}`]);

let database: TestDatabase;
let deps: TestAppDeps;
let app: ReturnType<typeof createApp>;
const members = new Map<StaffRole, StaffSummary>();

beforeAll(async () => {
  database = await createTestDatabase();
  deps = createTestAppDeps(database);
  app = createApp(deps);
  for (const role of STAFF_ROLES) members.set(role, await makeStaff(deps, [role]));
});
afterAll(async () => {
  await deps.close();
  await database.close();
});

function isStaffPath(path: string): boolean {
  return STAFF_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/** A concrete URL for a route pattern: parameters get a well-formed id, wildcards a word. */
function concrete(path: string): string {
  return path
    .replace(/:\w+\{[^}]*\}/g, '1')
    .replace(/:\w+\??/g, '00000000-0000-4000-8000-000000000000')
    .replace(/\*/g, 'x');
}

async function requestAs(
  entry: StaffRouteEntry,
  role: StaffRole | undefined,
  accept: string,
): Promise<Response> {
  const headers: Record<string, string> = { accept };
  let body: URLSearchParams | undefined;
  if (role) {
    const member = members.get(role);
    if (!member) throw new Error(`no staff member for ${role}`);
    // A fresh session each time: some routes (sign-out) end the session they are called with.
    const { cookie, csrfToken } = await signInDirectly(deps, member.id);
    headers.cookie = cookie;
    if (entry.method !== 'GET') {
      headers['x-csrf-token'] = csrfToken;
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ _csrf: csrfToken });
    }
  }
  return app.request(concrete(entry.path), { method: entry.method, headers, ...(body ? { body } : {}) });
}

describe('staff route registry', () => {
  it('lists every staff route the application serves', () => {
    const registered = new Set(staffRouteRegistry.map((r) => `${r.method} ${r.path}`));
    const unprotected = app.routes
      .filter((r) => isStaffPath(r.path))
      // Path-wide middleware (`app.use('/console/*', …)`) is not a route of its own.
      .filter((r) => !(r.method === 'ALL' && r.path.endsWith('*')))
      .map((r) => `${r.method} ${r.path}`)
      .filter((key) => !PUBLIC_STAFF_ROUTES.has(key) && !registered.has(key));
    expect([...new Set(unprotected)], 'staff routes not registered with staffRoute').toEqual([]);
  });

  it('has every registered route mounted at the path it was registered with', () => {
    const served = new Set(app.routes.map((r) => `${r.method} ${r.path}`));
    const missing = staffRouteRegistry.map((r) => `${r.method} ${r.path}`).filter((key) => !served.has(key));
    expect(missing, 'registered but not served (mounted under a prefix?)').toEqual([]);
  });

  it('covers the console routes', () => {
    const keys = staffRouteRegistry.map((r) => `${r.method} ${r.path}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /console',
        'GET /console/outbox',
        'GET /console/audit',
        'POST /staff/logout',
      ]),
    );
  });
});

describe('every registered staff route', () => {
  it('refuses anonymous requests with 401, or a redirect to sign in for browsers', async () => {
    const wrong: string[] = [];
    for (const entry of staffRouteRegistry) {
      const browser = await requestAs(entry, undefined, 'text/html');
      const okBrowser =
        browser.status === 401 ||
        (browser.status === 302 && (browser.headers.get('location') ?? '').startsWith(`${LOGIN_PATH}?next=`));
      if (!okBrowser) wrong.push(`${entry.method} ${entry.path} (browser): ${browser.status}`);
      const api = await requestAs(entry, undefined, 'application/json');
      if (api.status !== 401) wrong.push(`${entry.method} ${entry.path} (api): ${api.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses staff whose roles are not in its list with 403', async () => {
    const wrong: string[] = [];
    for (const entry of staffRouteRegistry) {
      for (const role of STAFF_ROLES.filter((r) => !entry.roles.includes(r))) {
        const res = await requestAs(entry, role, 'text/html');
        if (res.status !== 403) wrong.push(`${entry.method} ${entry.path} as ${role}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('admits staff holding a role in its list', async () => {
    const wrong: string[] = [];
    for (const entry of staffRouteRegistry) {
      for (const role of entry.roles) {
        const res = await requestAs(entry, role, 'text/html');
        if (res.status === 401 || res.status === 403) {
          wrong.push(`${entry.method} ${entry.path} as ${role}: ${res.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
