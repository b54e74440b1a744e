/**
 * A small time-bounded cache with one load in flight per key, for lookups a service would
 * otherwise repeat per request (the OCSP responder's CertID -> CA row, the gateway's CA id ->
 * CRL location). Values live `ttlMs` from the moment their load was asked for; at most
 * `maxEntries` keys are kept (the oldest dropped). A load that throws is not cached: the next
 * caller loads again.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** The cached value while fresh, else the result of `load` (shared by concurrent callers of the same key). */
  async get(key: string, nowMs: number, load: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && nowMs < entry.expiresAt) return entry.value;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = (async () => {
        try {
          const value = await load();
          this.entries.delete(key);
          this.entries.set(key, { value, expiresAt: nowMs + this.ttlMs });
          while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
          return value;
        } finally {
          this.loading.delete(key);
        }
      })();
      this.loading.set(key, pending);
    }
    return pending;
  }

  clear(): void {
    this.entries.clear();
  }
}
