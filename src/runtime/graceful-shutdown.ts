import type { Logger } from 'pino';

export const SHUTDOWN_TIMEOUT_MS = 10_000;
/**
 * Ctrl-C reaches every process in the terminal's group, and npm forwards it to its child as well, so
 * one keypress can arrive twice; only a signal after this interval counts as a second request.
 */
const DUPLICATE_SIGNAL_MS = 1000;

/**
 * On SIGTERM or SIGINT runs `stop` once and exits 0 when it finishes. A second signal, a failure in
 * `stop`, or `timeoutMs` passing first exits 1, so an orchestrator never waits on a stuck process.
 */
export function exitOnShutdownSignals(
  stop: () => Promise<void>,
  options: { log: Logger; timeoutMs?: number },
): void {
  const { log, timeoutMs = SHUTDOWN_TIMEOUT_MS } = options;
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined) {
      if (performance.now() - firstSignalAt < DUPLICATE_SIGNAL_MS) return;
      log.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    firstSignalAt = performance.now();
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
