import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import lockfile from 'proper-lockfile';
import type { Database, Db } from './database.ts';
import * as schema from './schema.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** Arbitrary but fixed: serialises migrations when web and worker start together on PostgreSQL. */
const MIGRATION_LOCK_KEY = 726_354_001;

export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `The embedded database in ${dataDir} is already open in another process. ` +
        'PGlite allows one process per data directory: stop the other gateway process, or set DATABASE_URL ' +
        'to use PostgreSQL for separate web and worker processes.',
    );
    this.name = 'DataDirLockedError';
  }
}

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'pglite'; dataDir?: string };

/**
 * Opens the database and applies pending migrations. An embedded data directory is locked for this
 * process; a second process gets DataDirLockedError.
 */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === 'postgres' ? openPostgres(target.url, target.poolSize) : openPglite(target.dataDir);
}

// Each driver is loaded only when it is used: a process on PostgreSQL never needs the embedded
// database's code, which is a large share of an idle process's memory, and the reverse.
async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const [{ default: pg }, { drizzle: drizzleNodePg }, { migrate: migrateNodePg }] = await Promise.all([
    import('pg'),
    import('drizzle-orm/node-postgres'),
    import('drizzle-orm/node-postgres/migrator'),
  ]);
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection the server closes (restart, failover, a dropped test database) is already
  // discarded by the pool; without a listener the pool's 'error' event would crash the process.
  pool.on('error', () => {});
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrateNodePg(drizzleNodePg({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => pool.end(),
  };
}

/**
 * The embedded database's settings. Its buffer pool lives in the process's own memory (WebAssembly),
 * so PostgreSQL's default of 128 MB would be most of the gateway's memory; a community's data fits in
 * far less, and the rest is read from the data directory's files.
 */
const PGLITE_CONF = ['shared_buffers = 32MB'];

/**
 * Creates the embedded data directory in a short-lived child process. Creating it (initdb) grows the
 * WebAssembly memory of the process that does it to about 800 MB, and that memory is never given back:
 * done in the gateway itself, the first start would keep it for as long as it runs.
 */
function createPgliteDataDir(pgDataDir: string): void {
  const script = `const { PGlite } = await import(${JSON.stringify(import.meta.resolve('@electric-sql/pglite'))});
const db = new PGlite(${JSON.stringify(pgDataDir)}, { postgresqlconf: ${JSON.stringify(PGLITE_CONF)} });
await db.waitReady;
await db.close();`;
  execFileSync(process.execPath, ['--input-type=module', '--eval', script], { stdio: 'inherit' });
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  let release: (() => Promise<void>) | undefined;
  let client: PGlite;
  if (dataDir) {
    const dir = path.resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    try {
      release = await lockfile.lock(dir, {
        lockfilePath: path.join(dir, 'gateway.lock'),
        stale: 15_000,
        update: 5_000,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataDirLockedError(dir);
      throw error;
    }
    const pgDataDir = path.join(dir, 'pglite');
    if (!existsSync(path.join(pgDataDir, 'PG_VERSION'))) createPgliteDataDir(pgDataDir);
    client = new PGlite(pgDataDir, { postgresqlconf: PGLITE_CONF });
  } else {
    client = new PGlite({ postgresqlconf: PGLITE_CONF });
  }
  try {
    await client.waitReady;
    const db = drizzlePglite({ client, schema });
    await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return {
      db: db as unknown as Db,
      kind: 'pglite',
      ping: async () => {
        await client.query('select 1');
      },
      close: async () => {
        await client.close();
        await release?.();
      },
    };
  } catch (error) {
    await client.close().catch(() => {});
    await release?.();
    throw error;
  }
}
