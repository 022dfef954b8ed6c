/**
 * Helpers for route tests of the deliberation console: the whole app over a test database with a
 * community, its residents and needs, staff scoped to it, and form posts carrying session and CSRF
 * token. Test-only.
 */
import { createApp } from '../../src/app.ts';
import type { StaffRole } from '../../src/db/schema.ts';
import {
  newCommunity,
  residentsIn,
  sendNeed,
  type TestPlace,
} from '../../src/deliberation/deliberation-test-kit.ts';
import { createStaff } from '../../src/staff/create-staff.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { depsCtx, signInDirectly, TEST_PASSWORD } from './console-test-kit.ts';

export interface ConsoleWorld {
  database: TestDatabase;
  deps: TestAppDeps;
  app: ReturnType<typeof createApp>;
  place: TestPlace;
  close(): Promise<void>;
}

/** The app on Friday 18 September 2026, 10:00 in Shanghai, with a community of 40 residents. */
export async function consoleWorld(): Promise<ConsoleWorld> {
  const database = await createTestDatabase();
  const deps = createTestAppDeps(database);
  deps.clock.set('2026-09-18T02:00:00Z');
  const app = createApp(deps);
  const ctx = depsCtx(deps);
  const place = await newCommunity(database.db);
  await residentsIn(ctx, place, 0, 30);
  await residentsIn(ctx, place, 1, 10);
  return {
    database,
    deps,
    app,
    place,
    async close() {
      await deps.close();
      await database.close();
    },
  };
}

let counter = 0;

/** A staff member with these roles, working in these communities (none = all). */
export async function member(
  world: ConsoleWorld,
  roles: StaffRole[],
  communityIds: string[] = [],
): Promise<string> {
  counter += 1;
  const created = await createStaff(depsCtx(world.deps), {
    username: `delib${counter}-${roles[0]?.replace(/_/g, '')}`,
    displayName: `李书记${counter}`,
    password: TEST_PASSWORD,
    roles,
    communityIds,
  });
  return created.id;
}

/** Sends residents' needs by SMS through the pipeline (one resident each); returns the intake ids. */
export async function needs(world: ConsoleWorld, texts: string[]): Promise<string[]> {
  const ctx = depsCtx(world.deps);
  const ids = await residentsIn(ctx, world.place, 0, texts.length);
  const out: string[] = [];
  for (const [i, text] of texts.entries()) {
    out.push(await sendNeed(ctx, ids[i] as string, text, new Date(Date.UTC(2026, 8, 10, 1, i))));
  }
  return out;
}

/** A browser-like client signed in as one staff member (a fresh session per request, as the clock moves). */
export function browser(world: ConsoleWorld, staffId: string) {
  const headers = async () => {
    const { cookie, csrfToken } = await signInDirectly(world.deps, staffId);
    return { cookie, csrfToken };
  };
  return {
    async get(path: string, accept = 'text/html'): Promise<Response> {
      const { cookie } = await headers();
      return world.app.request(path, { headers: { accept, cookie } });
    },
    async post(
      path: string,
      form: Record<string, string | string[]>,
      options: { csrf?: boolean } = {},
    ): Promise<Response> {
      const { cookie, csrfToken } = await headers();
      const body = new URLSearchParams();
      if (options.csrf !== false) body.append('_csrf', csrfToken);
      for (const [name, value] of Object.entries(form)) {
        for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
      }
      return world.app.request(path, {
        method: 'POST',
        headers: { accept: 'text/html', cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    },
  };
}

/** The path a redirect leads to. */
export function location(res: Response): string {
  return res.headers.get('location') ?? '';
}

/** The id in a path like /console/topics/<id>?done=… */
export function idIn(path: string): string {
  return path.split('?')[0]?.split('/').pop() ?? '';
}
