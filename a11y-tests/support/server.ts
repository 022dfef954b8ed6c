import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../../src/app.ts';
import type { Database } from '../../src/db/database.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase } from '../../src/testing/test-database.ts';

export interface RunningGateway {
  baseUrl: string;
  deps: TestAppDeps;
  database: Database;
  stop(): Promise<void>;
}

/** The whole HTTP app on an ephemeral loopback port over a fresh embedded database. */
export async function startGateway(): Promise<RunningGateway> {
  const database = await createTestDatabase('pglite');
  const deps = createTestAppDeps(database);
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    deps,
    database,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.close();
      await database.close();
    },
  };
}
