import { createHash } from 'node:crypto';
import { chainNotAfter } from '../domain/issuing-ca';

/**
 * chainNotAfter, memoized per chain: a chain changes only on import, and parsing it on every
 * request would cost every issuance. Keyed by the chain's SHA-256, so memory stays bounded by
 * `maxEntries` whatever the size of the chains (up to 2 MB each); the oldest entry goes first.
 */
export class ChainLimits {
  private readonly limits = new Map<string, Date | null>();

  constructor(private readonly maxEntries = 1000) {}

  of(chainPem: string | null): Date | null {
    if (!chainPem) return null;
    const key = createHash('sha256').update(chainPem).digest('base64');
    let limit = this.limits.get(key);
    if (limit === undefined) {
      limit = chainNotAfter(chainPem) ?? null;
      if (this.limits.size >= this.maxEntries) this.limits.delete(this.limits.keys().next().value as string);
      this.limits.set(key, limit);
    }
    return limit;
  }
}

/** The process's memo, shared by every request (toIssuingCaView's default). */
export const processChainLimits = new ChainLimits();
