import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { parseConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import { createPii } from '../residents/pii.ts';
import { openConfiguredDatabase, resolvePiiKey } from '../runtime/open-configured-database.ts';
import { createTestAppDeps } from '../testing/test-app-deps.ts';
import { TEST_PII_KEY } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase, testDbKind } from '../testing/test-database.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const kind = testDbKind();
let dataDir: string;
let postgres: TestDatabase | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'gw-staff-cli-'));
  env = { DATA_DIR: dataDir, DEFAULT_LOCALE: 'en', LOG_LEVEL: 'warn' };
  if (kind === 'postgres') {
    postgres = await createTestDatabase('postgres');
    env = { ...env, DATABASE_URL: postgres.url ?? '', PII_KEY: TEST_PII_KEY };
  }
});
afterAll(async () => {
  await postgres?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run staff -- …` in a child process, as an operator would type it. */
function staffCli(
  args: string[],
  options: { stdin?: string; extraEnv?: Record<string, string> } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'staff', '--', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env, ...options.extraEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** Opens the same database the CLI wrote to (after it has exited and released it) and signs in. */
async function signInStatus(username: string, password: string): Promise<number> {
  const config = parseConfig(env);
  const database: Database = await openConfiguredDatabase(config, 2);
  const deps = createTestAppDeps(database, { pii: createPii(resolvePiiKey(config)) });
  try {
    const app = createApp(deps);
    const page = await app.request('/staff/login', { headers: { accept: 'text/html' } });
    const csrf =
      page.headers
        .getSetCookie()
        .find((c) => c.startsWith('csrf='))
        ?.split(';')[0] ?? '';
    const token = (await page.text()).match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
    const res = await app.request('/staff/login', {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: csrf },
      body: new URLSearchParams({ _csrf: token, username, password }),
    });
    return res.status;
  } finally {
    await deps.close();
    await database.close();
  }
}

// Each case starts Node processes that open the database: slow on a loaded machine.
describe('npm run staff', { timeout: 120_000 }, () => {
  it('adds an admin with a generated password, shown once, who can then sign in', async () => {
    const run = await staffCli([
      'add',
      '--username',
      'first-admin',
      '--name',
      'First Admin',
      '--role',
      'admin',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Created staff account first-admin (roles: admin).');
    const password = run.stdout.match(/^ {4}(\S+)$/m)?.[1];
    expect(password).toHaveLength(20);
    expect(await signInStatus('first-admin', password ?? '')).toBe(303);
    expect(await signInStatus('first-admin', 'not the password 1')).toBe(401);
  });

  it('takes the password from STAFF_PASSWORD, or from standard input, without printing it', async () => {
    const fromEnv = await staffCli(
      ['add', '--username', 'sup', '--name', '督办 Wu', '--role', 'supervisor', '--role', 'admin'],
      { extraEnv: { STAFF_PASSWORD: 'env password 2026' } },
    );
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).not.toContain('env password 2026');
    const fromStdin = await staffCli(
      [
        'add',
        '--username',
        'sec',
        '--name',
        'Secretary',
        '--role',
        'community_secretary',
        '--department',
        'Office',
      ],
      { stdin: 'piped password 2026\n' },
    );
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).not.toContain('piped password 2026');
    expect(await signInStatus('sup', 'env password 2026')).toBe(303);
    expect(await signInStatus('sec', 'piped password 2026')).toBe(303);
  });

  it('lists accounts and disables one, which can then no longer sign in', async () => {
    const listed = await staffCli(['list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^first-admin\tFirst Admin\tadmin\tactive$/m);
    expect(listed.stdout).toMatch(/^sec\tSecretary\tcommunity_secretary\tactive\tOffice$/m);
    const disabled = await staffCli(['disable', '--username', 'sec']);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toContain('Disabled account sec');
    expect((await staffCli(['list'])).stdout).toMatch(/^sec\tSecretary\tcommunity_secretary\tdisabled/m);
    expect(await signInStatus('sec', 'piped password 2026')).toBe(401);
  });

  it('exits non-zero with a clear message for a taken username or a weak password', async () => {
    const taken = await staffCli(['add', '--username', 'first-admin', '--name', 'Again', '--role', 'admin'], {
      extraEnv: { STAFF_PASSWORD: 'another password 1' },
    });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('The username “first-admin” is already taken');
    const weak = await staffCli(['add', '--username', 'weakling', '--name', 'Weak', '--role', 'admin'], {
      extraEnv: { STAFF_PASSWORD: 'aaaaaaaaaaaaaaaa' },
    });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain(
      '--password (STAFF_PASSWORD): Password must not be all one kind of character',
    );
  });

  it('explains usage when options are missing or unknown', async () => {
    const noRole = await staffCli(['add', '--username', 'x-user', '--name', 'X']);
    expect(noRole.code).toBe(2);
    expect(noRole.stderr).toContain('Missing required option --role');
    expect(noRole.stderr).toContain('Usage:');
    const unknown = await staffCli(['promote', '--username', 'x-user']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command: promote');
    const badRole = await staffCli(['add', '--username', 'x-user', '--name', 'X', '--role', 'root'], {
      extraEnv: { STAFF_PASSWORD: 'another password 1' },
    });
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('--role: Unknown role');
  });
});
