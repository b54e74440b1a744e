/**
 * When a CA's CRL must be (re)generated, and the numbers and dates it carries. Pure.
 *
 * - After revocations: within `delayMs` of the first revocation not yet on a CRL, so a burst
 *   of revocations is coalesced into one CRL (AWS: "approximately 30 minutes").
 * - Before the current CRL runs out: once half of its validity has passed, at the latest one
 *   day before nextUpdate (RFC 5280 §5.1.2.5: a new CRL is issued on or before nextUpdate).
 * - When the CRL configuration changed (enabled, bucket, expiration) and on first enabling.
 * - After a failure: not before `retryAfter` (exponential backoff, see retryDelayMs).
 */
export interface CrlScheduleState {
  /** thisUpdate / nextUpdate of the last CRL published under the current configuration; null when none. */
  readonly lastThisUpdate: Date | null;
  readonly lastNextUpdate: Date | null;
  /** First revocation not yet carried by a published CRL; null when every revocation is. */
  readonly dirtySince: Date | null;
  /** The configuration changed since the last publication. */
  readonly configurationChanged: boolean;
  readonly retryAfter: Date | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function crlDueAt(state: CrlScheduleState, delayMs: number): Date {
  let due: number;
  if (!state.lastThisUpdate || !state.lastNextUpdate || state.configurationChanged) {
    due = 0;
  } else {
    const validity = state.lastNextUpdate.getTime() - state.lastThisUpdate.getTime();
    const refresh = state.lastNextUpdate.getTime() - Math.min(validity / 2, DAY_MS);
    due = state.dirtySince ? Math.min(refresh, state.dirtySince.getTime() + delayMs) : refresh;
  }
  return new Date(Math.max(due, state.retryAfter?.getTime() ?? 0));
}

/** nextUpdate = thisUpdate + CrlConfiguration.ExpirationInDays (RFC 5280 §5.1.2.5). */
export function crlNextUpdate(thisUpdate: Date, expirationInDays: number): Date {
  return new Date(thisUpdate.getTime() + expirationInDays * DAY_MS);
}

/**
 * The largest cRLNumber RFC 5280 §5.2.3 allows (20 octets, non-negative). Numbers are allocated
 * in Postgres (crl.queries.ts allocateCrlNumber): one row per CA incremented in its own committed
 * statement, so they strictly increase and never repeat across restarts or replicas.
 */
export const MAX_CRL_NUMBER = (1n << 159n) - 1n;

/**
 * RFC 5280 §3.3 (and AWS): an entry stays on the CRL until one CRL issued after the certificate's
 * notAfter has carried it. So the next CRL includes every revocation whose notAfter is not before
 * the thisUpdate of the previously published CRL: if that one was issued after notAfter, it was
 * the one that carried the entry for the last time.
 */
export function entryCutoff(previousThisUpdate: Date | null): Date {
  return previousThisUpdate ?? new Date(0);
}

/** Retry delay after `failures` consecutive failures: 5 s doubling to at most 15 minutes (AWS retries every 15 minutes). */
export function retryDelayMs(failures: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, failures - 1), 15 * 60 * 1000);
}
