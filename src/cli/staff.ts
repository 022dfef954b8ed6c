/**
 * Staff accounts from the command line, for the first administrator and for operators:
 *
 *   npm run staff -- add --username NAME --name "Display name" --role admin [--role supervisor]
 *                        [--community <uuid>] [--department TEXT]
 *   npm run staff -- list
 *   npm run staff -- disable --username NAME
 *
 * The password for `add` comes from STAFF_PASSWORD, else from standard input when it is piped, else
 * a strong one is generated and printed once. Exits non-zero with a message on any error.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, parseConfig } from '../config.ts';
import { systemClock } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { createLogger } from '../core/logger.ts';
import type { Database } from '../db/database.ts';
import { DataDirLockedError } from '../db/open-database.ts';
import type { StaffRole } from '../db/schema.ts';
import { getI18n, type Translate } from '../i18n/i18n.ts';
import { createPii } from '../residents/pii.ts';
import { openConfiguredDatabase, resolvePiiKey } from '../runtime/open-configured-database.ts';
import { createStaff } from '../staff/create-staff.ts';
import { disableStaff } from '../staff/disable-staff.ts';
import { listStaff } from '../staff/list-staff.ts';
import { generatePassword } from '../staff/passwords.ts';

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** STAFF_PASSWORD, else piped standard input (first line), else undefined. */
async function suppliedPassword(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.STAFF_PASSWORD) return env.STAFF_PASSWORD;
  if (process.stdin.isTTY) return undefined;
  const firstLine = (await readStdin()).split(/\r?\n/)[0] ?? '';
  return firstLine === '' ? undefined : firstLine;
}

function describeError(error: ServiceError, t: Translate): string {
  const lines = [t(error.messageKey, error.params)];
  for (const field of error.fields)
    lines.push(`  --${cliOption(field.field)}: ${t(field.key, field.params)}`);
  return lines.join('\n');
}

/** Verb field names as the command line spells them. */
function cliOption(field: string): string {
  const name = field.split('.')[0] ?? field;
  const map: Record<string, string> = {
    displayName: 'name',
    roles: 'role',
    communityIds: 'community',
    password: 'password (STAFF_PASSWORD)',
  };
  return map[name] ?? name;
}

async function run(argv: string[], env: NodeJS.ProcessEnv, t: Translate): Promise<number> {
  const [command, ...rest] = argv;
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(rest);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (!command || values.help) {
    process.stdout.write(`${t('staff:cli.usage')}\n`);
    return command ? 0 : 2;
  }
  if (!['add', 'list', 'disable'].includes(command)) {
    throw new UsageError(t('staff:cli.unknownCommand', { command }));
  }

  // Options are checked before the database is opened, so a typo costs nothing.
  if (command === 'add' || command === 'disable') {
    if (!values.username) throw new UsageError(t('staff:cli.missingOption', { option: '--username' }));
  }
  if (command === 'add') {
    if (!values.name) throw new UsageError(t('staff:cli.missingOption', { option: '--name' }));
    if (!values.role?.length) throw new UsageError(t('staff:cli.missingOption', { option: '--role' }));
  }

  const config = parseConfig(env);
  const log = createLogger({ level: config.logLevel, destination: pino.destination(2), name: 'staff-cli' });
  const pii = createPii(resolvePiiKey(config));
  let database: Database | undefined;
  try {
    database = await openConfiguredDatabase(config, 2);
    const ctx: Ctx = {
      actor: { type: 'system', job: 'cli:staff' },
      db: database.db,
      clock: systemClock,
      log,
      pii,
    };
    switch (command) {
      case 'add': {
        const supplied = await suppliedPassword(env);
        const password = supplied ?? generatePassword();
        const created = await createStaff(ctx, {
          username: values.username ?? '',
          displayName: values.name ?? '',
          password,
          roles: (values.role ?? []) as StaffRole[],
          communityIds: values.community ?? [],
          department: values.department,
        });
        process.stdout.write(
          `${t('staff:cli.created', { username: created.username, roles: created.roles.join(', ') })}\n`,
        );
        if (!supplied) {
          process.stdout.write(`${t('staff:cli.generatedPassword')}\n\n    ${password}\n\n`);
        }
        return 0;
      }
      case 'list': {
        const all = await listStaff(ctx);
        if (all.length === 0) {
          process.stdout.write(`${t('staff:cli.noStaff')}\n`);
          return 0;
        }
        for (const s of all) {
          const state = s.active ? t('staff:cli.active') : t('staff:cli.disabled');
          const extra = [s.department, s.communityIds.length ? s.communityIds.join(',') : undefined]
            .filter(Boolean)
            .join(' ');
          process.stdout.write(
            `${s.username}\t${s.displayName}\t${s.roles.join(',')}\t${state}${extra ? `\t${extra}` : ''}\n`,
          );
        }
        return 0;
      }
      case 'disable': {
        const disabled = await disableStaff(ctx, { username: values.username ?? '' });
        process.stdout.write(`${t('staff:cli.disabledDone', { username: disabled.username })}\n`);
        return 0;
      }
      default:
        throw new UsageError(t('staff:cli.unknownCommand', { command }));
    }
  } finally {
    await database?.close();
  }
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: false,
    strict: true,
    options: {
      username: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
      community: { type: 'string', multiple: true },
      department: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function main(): Promise<void> {
  const env = process.env;
  const i18n = getI18n();
  const locale = env.DEFAULT_LOCALE === 'en' || env.DEFAULT_LOCALE === 'zh-HK' ? env.DEFAULT_LOCALE : 'zh-CN';
  const t = i18n.forLocale(locale);
  try {
    process.exitCode = await run(process.argv.slice(2), env, t);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${t('staff:cli.usage')}\n`);
      process.exitCode = 2;
    } else if (error instanceof ServiceError) {
      process.stderr.write(`${t('staff:cli.failed')}\n${describeError(error, t)}\n`);
      process.exitCode = 1;
    } else if (error instanceof ConfigError || error instanceof DataDirLockedError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`${t('staff:cli.failed')}\n${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  }
}

await main();
