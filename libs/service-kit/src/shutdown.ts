import { Logger, type INestApplication } from '@nestjs/common';

/**
 * Longest a graceful stop may take before the process exits anyway (deploy/: a pod's
 * terminationGracePeriodSeconds must exceed it, plus any preStop delay).
 */
export const SHUTDOWN_BOUND_MS = 25_000;

/**
 * SIGTERM/SIGINT close the app gracefully (readiness flips, no new requests, in-flight ones
 * finish, NATS drains, pools close) and then exit 0, so an orchestrator sees a clean stop.
 * A second signal, or a close that hangs past the bound, exits at once with an error code.
 */
export function exitGracefullyOnSignals(app: INestApplication, name: string, boundMs = SHUTDOWN_BOUND_MS): void {
  const log = new Logger(name);
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      log.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    closing = true;
    log.log(`${signal}: shutting down gracefully`);
    const timer = setTimeout(() => {
      log.error(`shutdown did not finish within ${boundMs} ms`);
      process.exit(1);
    }, boundMs);
    timer.unref();
    app.close().then(
      () => {
        log.log('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error('shutdown failed', error instanceof Error ? error.stack : String(error));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
