import { Logger } from '@nestjs/common';
import { StoppableSleep } from './stoppable-sleep';

/** Background work a service runs beside its command handlers (schedulers, pollers). */
export interface BackgroundWorker {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface PeriodicWorker extends BackgroundWorker {
  /** True from `stop()` on: a long pass checks it between items to end early. */
  readonly stopping: boolean;
}

export interface PeriodicWorkerOptions {
  /** Names the worker in its log lines. */
  readonly name: string;
  /** Run the first pass right at start instead of one interval later. */
  readonly runAtStart?: boolean;
  /** Where a failed pass is reported (default: the Nest logger under `name`). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Runs `runOnce` every `intervalMs` (measured from the end of one pass to the start of the next)
 * until stopped. A pass that throws is reported and the loop goes on; `stop()` cuts the pause
 * short and waits for the pass that is running, so nothing runs once it resolved.
 */
export function periodicWorker(runOnce: () => Promise<unknown>, intervalMs: number, options: PeriodicWorkerOptions): PeriodicWorker {
  const onError =
    options.onError ??
    ((error: unknown) => new Logger(options.name).error(`${options.name} pass failed: ${error instanceof Error ? error.message : String(error)}`, error instanceof Error ? error.stack : undefined));
  let sleeper: StoppableSleep | undefined;
  let loop: Promise<void> | undefined;

  const run = async (pause: StoppableSleep) => {
    if (!options.runAtStart) await pause.sleep(intervalMs);
    while (!pause.isStopped) {
      try {
        await runOnce();
      } catch (error) {
        onError(error);
      }
      await pause.sleep(intervalMs);
    }
  };

  return {
    get stopping() {
      return sleeper?.isStopped ?? false;
    },
    async start() {
      if (loop) return;
      sleeper = new StoppableSleep();
      loop = run(sleeper);
    },
    async stop() {
      sleeper?.stop();
      await loop;
      loop = undefined;
    },
  };
}
