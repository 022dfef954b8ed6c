import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { openDatabase } from '../db/open-database.ts';
import { generatePiiKey } from '../residents/pii.ts';

/**
 * The PII key: from configuration, or for the embedded database kept in DATA_DIR/pii.key, generated
 * on first start. (With DATABASE_URL the schema already requires PII_KEY.)
 */
export function resolvePiiKey(config: Config): string {
  if (config.piiKey) return config.piiKey;
  const dir = path.resolve(config.dataDir);
  const file = path.join(dir, 'pii.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const key = generatePiiKey();
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

/** Opens (and migrates) the database the configuration names. */
export function openConfiguredDatabase(config: Config, poolSize?: number): Promise<Database> {
  return config.database.kind === 'postgres'
    ? openDatabase({ kind: 'postgres', url: config.database.url, ...(poolSize ? { poolSize } : {}) })
    : openDatabase({ kind: 'pglite', dataDir: config.database.dataDir });
}
