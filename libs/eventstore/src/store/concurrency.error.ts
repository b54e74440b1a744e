/** Another writer appended to the stream since the caller read it (optimistic concurrency). */
export class ConcurrencyError extends Error {
  constructor(
    readonly stream: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
    options?: { cause?: unknown },
  ) {
    super(`stream ${stream}: expected version ${expectedVersion}, found ${actualVersion}`, options);
    this.name = 'ConcurrencyError';
  }
}
