/**
 * Sleeps that `stop()` can cut short, so background loops end promptly and leave no timers
 * behind (Jest must be able to exit).
 */
export class StoppableSleep {
  private readonly waiting = new Set<() => void>();
  private stopped = false;

  get isStopped(): boolean {
    return this.stopped;
  }

  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiting.add(done);
    });
  }

  /** Wakes a sleeping loop early (e.g. new work arrived) without stopping it. */
  wake(): void {
    for (const done of [...this.waiting]) done();
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }
}
