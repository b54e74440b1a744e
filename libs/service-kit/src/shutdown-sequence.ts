import { Logger } from '@nestjs/common';

/**
 * The order a process stops in on SIGTERM: stop taking commands and finish the ones in flight,
 * stop background workers, stop projections and the outbox relay, drain NATS, close the
 * database pool. Each part registers its step under its phase when it starts.
 */
export const SHUTDOWN_PHASES = ['commands', 'workers', 'background', 'nats', 'database'] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

export class ShutdownSequence {
  private readonly steps = new Map<ShutdownPhase, Array<() => Promise<void>>>();
  /** Index in SHUTDOWN_PHASES of the next phase to run. */
  private next = 0;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly name: string) {}

  add(phase: ShutdownPhase, step: () => Promise<void>): void {
    const steps = this.steps.get(phase) ?? [];
    steps.push(step);
    this.steps.set(phase, steps);
  }

  /**
   * Runs the phases not run yet, in order, up to and including `until` (default: all of them).
   * Each step runs once; a failing step is logged and the next one still runs.
   */
  run(until: ShutdownPhase = 'database'): Promise<void> {
    const last = SHUTDOWN_PHASES.indexOf(until);
    this.running = this.running.then(async () => {
      for (; this.next <= last; this.next++) {
        const phase = SHUTDOWN_PHASES[this.next]!;
        for (const step of this.steps.get(phase) ?? []) {
          try {
            await step();
          } catch (error) {
            new Logger(this.name).error(`shutdown (${phase}) failed`, error instanceof Error ? error.stack : String(error));
          }
        }
      }
    });
    return this.running;
  }
}
