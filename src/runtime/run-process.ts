/**
 * What the three entry points share: parse the configuration once, open the dependencies, start the
 * HTTP server and/or the queue workers, log one startup line, and stop cleanly on a signal.
 */
import path from 'node:path';
import { createTwilioSmsSender } from '../../channels/sms/twilio-sms-sender.ts';
import { createTwilioVoiceSender } from '../../channels/voice/twilio-voice-sender.ts';
import { createApp } from '../app.ts';
import type { AppDeps } from '../app-deps.ts';
import { type Config, ConfigError, parseConfig } from '../config.ts';
import { DataDirLockedError } from '../db/open-database.ts';
import { loadDemoData } from '../demo/load-demo-data.ts';
import type { Senders } from '../outreach/sender.ts';
import { closeAppDeps, createAppDeps } from './create-app-deps.ts';
import { exitOnShutdownSignals } from './graceful-shutdown.ts';
import { type RunningHttpServer, startHttpServer } from './http-server.ts';
import { systemCtx } from './system-ctx.ts';
import { type RunningWorkers, startWorkers } from './workers.ts';

/** `all` = HTTP and workers in one process (`npm start`), the only mode for the embedded database. */
export type ProcessRole = 'web' | 'worker' | 'all';

export interface RunProcessOptions {
  env?: Record<string, string | undefined>;
  senders?: (config: Config, log: AppDeps['log']) => Senders;
}

export function pgliteSplitMessage(role: Exclude<ProcessRole, 'all'>): string {
  const script = role === 'web' ? 'start:web' : 'start:worker';
  return (
    `Cannot run "npm run ${script}" with the embedded database (PGlite): it can be opened by one process ` +
    'only, so web and workers must share it. Run both together with "npm start", or set DATABASE_URL ' +
    '(and PII_KEY) to use PostgreSQL for separate web and worker processes.'
  );
}

function exitWith(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/**
 * The senders the configuration provides: SMS over Twilio once credentials and a sender are set,
 * calls once a caller number is set too.
 */
export function configuredSenders(config: Config, log: AppDeps['log']): Senders {
  return {
    ...(config.twilio?.smsFrom ? { sms: createTwilioSmsSender({ config, log }) } : {}),
    ...(config.twilio?.voiceFrom ? { voice: createTwilioVoiceSender({ config, log }) } : {}),
  };
}

/** Describes the database without credentials. */
export function describeDatabase(config: Config): string {
  if (config.database.kind === 'pglite') return `embedded PGlite in ${path.resolve(config.database.dataDir)}`;
  const url = new URL(config.database.url);
  return `PostgreSQL at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
}

function describeOutbound(deps: AppDeps): string {
  const channels = Object.keys(deps.senders ?? {});
  if (channels.length) return `outbound messages are sent via ${channels.join(', ')}`;
  return deps.config.twilio
    ? 'Twilio credentials are set but no sender is enabled: outbound messages are held in the local outbox'
    : 'no Twilio credentials: outbound messages are held in the local outbox';
}

/** Starts this process in `role`; exits 1 with a clear message when it cannot start. */
export async function runProcess(role: ProcessRole, options: RunProcessOptions = {}): Promise<void> {
  let config: Config;
  try {
    config = parseConfig(options.env ?? process.env);
  } catch (error) {
    if (error instanceof ConfigError) exitWith(error.message);
    throw error;
  }
  if (role !== 'all' && config.database.kind === 'pglite') exitWith(pgliteSplitMessage(role));

  let deps: AppDeps;
  try {
    deps = await createAppDeps(config, { senders: options.senders ?? configuredSenders });
  } catch (error) {
    if (error instanceof DataDirLockedError) exitWith(error.message);
    exitWith(`Could not open the database (${describeDatabase(config)}): ${(error as Error).message}`);
  }
  const log = deps.log;

  let http: RunningHttpServer | undefined;
  let workers: RunningWorkers | undefined;
  let stopping = false;
  exitOnShutdownSignals(
    async () => {
      stopping = true;
      await http?.close();
      await workers?.close();
      await closeAppDeps(deps);
    },
    { log },
  );

  if (config.demoData && role !== 'worker') {
    try {
      // Loads once into an empty installation and logs what it loaded; otherwise does nothing.
      await loadDemoData(systemCtx(deps, 'demo-data'), { timeZone: config.timeZone });
    } catch (error) {
      log.error({ err: error }, 'could not load the demo data');
    }
  }

  // A signal during start-up has already closed the dependencies: start nothing more.
  if (stopping) return;
  if (role !== 'web') workers = startWorkers(deps, deps.senders ? { senders: deps.senders } : {});
  if (role !== 'worker') {
    try {
      http = await startHttpServer(createApp(deps).fetch, { port: config.port, host: config.host });
    } catch (error) {
      if (stopping) return;
      await workers?.close();
      await closeAppDeps(deps);
      exitWith(`Could not listen on ${config.host}:${config.port}: ${(error as Error).message}`);
    }
  }

  const parts = [
    http ? `listening on ${http.url} (public URL ${config.publicBaseUrl})` : 'queue workers running',
    `database: ${describeDatabase(config)}`,
    describeOutbound(deps),
  ];
  log.info(
    {
      role,
      url: http?.url,
      database: config.database.kind,
      twilioConfigured: config.twilio !== undefined,
      workers: workers !== undefined,
    },
    `gateway started (${role}): ${parts.join('; ')}`,
  );
}
