/**
 * Sending campaigns from the command line:
 *
 *   npm run outreach -- send <campaign code or id> [--work] [--json]
 *   npm run outreach -- status <campaign code or id> [--json]
 *
 * `send` shows the audience and each message's SMS segment count, plans the campaign (one delivery per
 * resident, one queued job each) and then draws a progress bar on stderr until every delivery is
 * through, or Ctrl-C (which stops the display, not the sending). With the embedded database, or with
 * --work, this process sends them itself; otherwise the worker processes do.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { AppDeps } from '../app-deps.ts';
import { ConfigError, parseConfig } from '../config.ts';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { DataDirLockedError } from '../db/open-database.ts';
import type { Locale } from '../db/schema.ts';
import { getI18n, type Translate } from '../i18n/i18n.ts';
import { type CampaignProgress, getCampaignProgress } from '../outreach/get-campaign-progress.ts';
import { planCampaign } from '../outreach/plan-campaign.ts';
import { previewCampaign } from '../outreach/preview-campaign.ts';
import { updateCampaignStatuses } from '../outreach/update-campaign-statuses.ts';
import { closeAppDeps, createAppDeps } from '../runtime/create-app-deps.ts';
import { outreachEnvFor } from '../runtime/delivery-queue.ts';
import { createQueues, type Queues } from '../runtime/queues.ts';
import { configuredSenders } from '../runtime/run-process.ts';
import { systemCtx } from '../runtime/system-ctx.ts';
import { type RunningWorkers, startWorkers } from '../runtime/workers.ts';

class UsageError extends Error {}

const POLL_MS = 500;
/** Without a terminal (a log file, CI) one progress line every this often. */
const PLAIN_EVERY_MS = 5_000;
const BAR_WIDTH = 24;

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      work: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h
    ? `${h}h${String(m).padStart(2, '0')}m`
    : m
      ? `${m}m${String(rest).padStart(2, '0')}s`
      : `${rest}s`;
}

/** One line: a bar of the share done, then the counts, the rate and the time left. */
export function progressLine(p: CampaignProgress, t: Translate): string {
  const share = p.total ? p.done / p.total : 1;
  const filled = Math.round(share * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%`;
  const eta = p.estimatedFinishAt
    ? duration((p.estimatedFinishAt.getTime() - p.at.getTime()) / 1000)
    : t('outreach:cli.etaUnknown');
  return `${bar} ${t('outreach:cli.progress', {
    done: p.done,
    total: p.total,
    sent: p.counts.sent + p.counts.delivered,
    failed: p.counts.failed + p.counts.undelivered,
    pending: p.pending,
    rate: p.ratePerSecond,
    eta,
  })}`;
}

function countsLine(p: CampaignProgress, t: Translate): string {
  return Object.entries(p.counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${t(`ops:outbox.status.${status}`)} ${n}`)
    .join(' · ');
}

/** Polls progress until nothing is pending or `stopped()` says so; draws on stderr meanwhile. */
async function watch(
  ctx: Ctx,
  campaign: string,
  t: Translate,
  stopped: () => boolean,
): Promise<CampaignProgress> {
  const tty = process.stderr.isTTY === true;
  let lastPlain = 0;
  for (;;) {
    const progress = await getCampaignProgress(ctx, { campaign });
    const line = progressLine(progress, t);
    if (tty) process.stderr.write(`\r\x1b[2K${line}`);
    else if (Date.now() - lastPlain >= PLAIN_EVERY_MS || progress.pending === 0) {
      process.stderr.write(`${line}\n`);
      lastPlain = Date.now();
    }
    if (progress.pending === 0 || stopped()) {
      if (tty) process.stderr.write('\n');
      return progress;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function send(deps: AppDeps, ref: string, options: { work: boolean; json: boolean }, t: Translate) {
  const ctx = systemCtx(deps, 'cli:outreach');
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const preview = await previewCampaign(ctx, { campaign: ref }, outreachEnvFor(deps, undefined));
  const { campaign } = preview;
  out(
    t('outreach:cli.campaign', {
      code: campaign.code,
      name: campaign.name,
      status: t(`outreach:status.${campaign.status}`),
    }),
  );
  out(t('outreach:cli.audience', { count: preview.audienceSize }));
  for (const m of preview.messages) {
    out(
      t('outreach:cli.sample', {
        language: t(`outreach:languages.${m.locale}`),
        recipients: m.recipients,
        segments: m.size.segments,
        encoding: m.size.encoding,
        units: m.size.units,
      }),
    );
    out(`  ${m.body}`);
  }
  if (!deps.senders?.sms) out(t('outreach:cli.noSender'));

  let queues: Queues | undefined;
  let workers: RunningWorkers | undefined;
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (options.work) {
      workers = startWorkers(deps, {
        ...(deps.senders ? { senders: deps.senders } : {}),
        maintenance: false,
      });
      queues = workers.queues;
      out(t('outreach:cli.workingHere', { rate: deps.config.smsRatePerSecond }));
    } else {
      queues = createQueues(deps.redis, deps.config.queuePrefix);
      out(t('outreach:cli.waitingForWorkers'));
    }
    const plan = await planCampaign(ctx, { campaign: campaign.id }, outreachEnvFor(deps, queues));
    out(
      t('outreach:cli.planned', {
        planned: plan.planned,
        queued: plan.queued,
        optedOut: plan.skippedOptedOut,
        visit: plan.routedToVisit,
        held: plan.held,
      }),
    );
    const last = await watch(ctx, campaign.id, t, () => stop);
    if (last.pending === 0) {
      await updateCampaignStatuses(ctx);
      if (options.json) out(JSON.stringify(await getCampaignProgress(ctx, { campaign: campaign.id })));
      else out(t('outreach:cli.finished', { counts: countsLine(last, t) }));
      return 0;
    }
    process.stderr.write(`${t('outreach:cli.stopped', { code: campaign.code })}\n`);
    return 130;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await workers?.close();
    if (!workers) await queues?.close();
  }
}

async function status(deps: AppDeps, ref: string, json: boolean, t: Translate): Promise<number> {
  const progress = await getCampaignProgress(systemCtx(deps, 'cli:outreach'), { campaign: ref });
  if (json) {
    process.stdout.write(`${JSON.stringify(progress)}\n`);
    return 0;
  }
  const c = progress.campaign;
  process.stdout.write(
    `${t('outreach:cli.campaign', { code: c.code, name: c.name, status: t(`outreach:status.${c.status}`) })}\n${progressLine(progress, t)}\n${countsLine(progress, t)}\n`,
  );
  return 0;
}

async function run(argv: string[], env: NodeJS.ProcessEnv, t: Translate): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [command, ref] = parsed.positionals;
  if (!command || parsed.values.help) {
    process.stdout.write(`${t('outreach:cli.usage')}\n`);
    return command ? 0 : 2;
  }
  if (command !== 'send' && command !== 'status')
    throw new UsageError(t('outreach:cli.unknownCommand', { command }));
  if (!ref) throw new UsageError(t('outreach:cli.missingCampaign'));

  const parsedConfig = parseConfig(env);
  // Progress and results go to stdout/stderr as text; the log only carries warnings unless asked.
  const config = { ...parsedConfig, logLevel: env.LOG_LEVEL ? parsedConfig.logLevel : ('warn' as const) };
  const deps = await createAppDeps(config, {
    logDestination: pino.destination(2),
    poolSize: 4,
    senders: configuredSenders,
  });
  try {
    if (command === 'status') return await status(deps, ref, parsed.values.json === true, t);
    // The embedded database admits one process: with it, nobody else can send, so this one does.
    const work = parsed.values.work === true || config.database.kind === 'pglite';
    return await send(deps, ref, { work, json: parsed.values.json === true }, t);
  } finally {
    await closeAppDeps(deps);
  }
}

async function main(): Promise<void> {
  const env = process.env;
  const locale: Locale =
    env.DEFAULT_LOCALE === 'en' || env.DEFAULT_LOCALE === 'zh-HK' ? env.DEFAULT_LOCALE : 'zh-CN';
  const t = getI18n().forLocale(locale);
  try {
    process.exitCode = await run(process.argv.slice(2), env, t);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${t('outreach:cli.usage')}\n`);
      process.exitCode = 2;
    } else if (error instanceof ServiceError) {
      const lines = [
        t(error.messageKey, error.params),
        ...error.fields.map((f) => `  ${f.field}: ${t(f.key, f.params)}`),
      ];
      process.stderr.write(`${t('outreach:cli.failed')}\n${[...new Set(lines)].join('\n')}\n`);
      process.exitCode = 1;
    } else if (error instanceof ConfigError || error instanceof DataDirLockedError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`${t('outreach:cli.failed')}\n${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  }
}

await main();
