/**
 * Exponential backoff with a cap and "equal jitter": half the delay is fixed so retries
 * never hammer a recovering server, the other half is random so replicas do not retry in
 * lockstep. `random` is injected so the computation stays testable.
 */
export function backoffMs(attempt: number, opts: { baseMs?: number; maxMs?: number; random?: () => number } = {}): number {
  const base = opts.baseMs ?? 100;
  const max = opts.maxMs ?? 5_000;
  const random = opts.random ?? Math.random;
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}
