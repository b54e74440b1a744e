/**
 * Pre-signed OCSP responses (RFC 5019 §2.2.2 and §6: a responder may answer from responses
 * produced in advance, as long as they are within their validity), so that the common request
 * (one CertID, no nonce) costs a map lookup instead of a signature through ca-service (a NATS
 * round trip, a key operation and a CaKeyUsed audit event each).
 *
 * Keyed by the request's CertID DER: the response echoes the CertID verbatim (RFC 6960 §4.2.1),
 * so a SHA-1 and a SHA-256 CertID of the same certificate are two entries, each answering only
 * requests with exactly that CertID. Every entry also remembers its CA and serial (to drop it on
 * a revocation) and the CA read model's version it was signed under: a CA whose row changed
 * (disabled, OCSP switched off, new CA certificate) gets fresh answers, never cached ones.
 *
 * Freshness: an entry is served while more than half of its validity (nextUpdate - producedAt,
 * PKI_OCSP_VALIDITY_SECONDS) remains, then signed again; a client therefore always receives a
 * response that is good for at least half the configured validity.
 *
 * Invalidation "at once": `invalidate(ca, serial)` drops the serial's entries, and also poisons
 * any signing in flight for it (it may have read the status before the revocation committed):
 * such a result still answers the requests that were waiting for it (they arrived before the
 * revocation returned) but is never stored. RevokeCertificate calls it after its commit and
 * before replying; other replicas call it when they receive the CertificateRevoked event (see
 * ocsp-cache-invalidation.ts for that window).
 *
 * Bounded: at most `maxEntries` responses (PKI_OCSP_CACHE_ENTRIES), least recently used evicted
 * first. An entry is its base64 response, its CertID key and some bookkeeping: about 1.1 KB of
 * heap for a P-256 CA (measured), up to about 2 KB for RSA-4096, so the default 50,000 holds some
 * 55-100 MB at most.
 */
import { TtlCache } from '@pki/service-kit';
import type { RevocationCaRow } from '../infrastructure/tables/revocation-ca.table';
import { ocspCacheHits, ocspCacheMisses } from './revocation-metrics';

/** Which certificate an entry answers for, and under which version of the CA's read model. */
export interface OcspCacheScope {
  readonly caId: string;
  /** Canonical serial (lowercase hex, no leading zeros), as revocations record it. */
  readonly serialHex: string;
  readonly caVersion: number;
}

/** What an answer says, for the metrics: the worst status of its CertIDs (revoked, unknown, good), or the status-only response. */
export type OcspAnswerStatus = 'good' | 'revoked' | 'unknown' | 'malformed' | 'unauthorized' | 'tryLater';

/** A successful, signed OCSPResponse and its validity (epoch milliseconds). */
export interface SignedOcspResponse {
  readonly responseBase64: string;
  readonly status: OcspAnswerStatus;
  readonly producedAt: number;
  readonly nextUpdate: number;
}

/** What the producer made: the answer for this request, and whether it may answer later ones. */
export interface ProducedOcspAnswer {
  readonly responseBase64: string;
  readonly status: OcspAnswerStatus;
  /** Set for signed responses; null for status-only answers (tryLater, unauthorized). */
  readonly validity: { readonly producedAt: number; readonly nextUpdate: number } | null;
  /** False for anything that must not be reused (status-only answers, `unknown` statuses). */
  readonly cacheable: boolean;
}

interface Entry {
  readonly scope: OcspCacheScope;
  readonly response: SignedOcspResponse;
  /** When less than half of the validity remains: sign again. */
  readonly refreshAt: number;
}

interface Flight {
  readonly scope: OcspCacheScope;
  promise: Promise<ProducedOcspAnswer>;
  /** Invalidated while signing: the result answers its waiters but is not stored. */
  poisoned: boolean;
}

const serialKey = (caId: string, serialHex: string) => `${caId}/${serialHex}`;

export class OcspResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly bySerial = new Map<string, Set<string>>();
  private readonly flights = new Map<string, Flight>();
  /** Counters for tests and diagnostics. */
  readonly stats = { hits: 0, misses: 0, joined: 0, evictions: 0, invalidations: 0 };

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error(`an OCSP response cache needs at least one entry, not ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The cached response for `certIdKey` when it is fresh and was signed under the same CA
   * version; otherwise the result of `produce` (one call for concurrent misses of the same
   * CertID), stored when cacheable and not invalidated meanwhile.
   */
  async answer(certIdKey: string, scope: OcspCacheScope, nowMs: number, produce: () => Promise<ProducedOcspAnswer>): Promise<ProducedOcspAnswer> {
    const entry = this.entries.get(certIdKey);
    if (entry) {
      if (nowMs < entry.refreshAt && sameScope(entry.scope, scope)) {
        // Least recently used first in iteration order: move the hit to the end.
        this.entries.delete(certIdKey);
        this.entries.set(certIdKey, entry);
        this.stats.hits++;
        ocspCacheHits.inc();
        const { responseBase64, status, producedAt, nextUpdate } = entry.response;
        return { responseBase64, status, validity: { producedAt, nextUpdate }, cacheable: true };
      }
      this.remove(certIdKey, entry);
    }
    const flight = this.flights.get(certIdKey);
    if (flight && sameScope(flight.scope, scope)) {
      this.stats.joined++;
      ocspCacheHits.inc();
      return flight.promise;
    }
    if (flight) flight.poisoned = true; // signed under an older CA version: let it finish, keep nothing
    this.stats.misses++;
    ocspCacheMisses.inc();
    return this.fly(certIdKey, scope, produce).promise;
  }

  /** Drops the serial's responses and poisons signings in flight for it (a revocation committed). */
  invalidate(caId: string, serialHex: string): void {
    this.stats.invalidations++;
    const key = serialKey(caId, serialHex);
    for (const certIdKey of this.bySerial.get(key) ?? []) this.entries.delete(certIdKey);
    this.bySerial.delete(key);
    for (const [certIdKey, flight] of this.flights) {
      if (flight.scope.caId === caId && flight.scope.serialHex === serialHex) {
        flight.poisoned = true;
        this.flights.delete(certIdKey);
      }
    }
  }

  /** Forgets everything, signings in flight included (used when revocation events may have been missed). */
  clear(): void {
    this.stats.invalidations++;
    this.entries.clear();
    this.bySerial.clear();
    for (const flight of this.flights.values()) flight.poisoned = true;
    this.flights.clear();
  }

  private fly(certIdKey: string, scope: OcspCacheScope, produce: () => Promise<ProducedOcspAnswer>): Flight {
    const flight: Flight = { scope, poisoned: false, promise: undefined as unknown as Promise<ProducedOcspAnswer> };
    // Registered before `produce` reads anything: an invalidation from here on reaches it.
    this.flights.set(certIdKey, flight);
    flight.promise = (async () => {
      try {
        const produced = await produce();
        if (produced.cacheable && produced.validity && !flight.poisoned) this.store(certIdKey, scope, { responseBase64: produced.responseBase64, status: produced.status, ...produced.validity });
        return produced;
      } finally {
        if (this.flights.get(certIdKey) === flight) this.flights.delete(certIdKey);
      }
    })();
    return flight;
  }

  private store(certIdKey: string, scope: OcspCacheScope, response: SignedOcspResponse): void {
    const existing = this.entries.get(certIdKey);
    if (existing) this.remove(certIdKey, existing);
    const refreshAt = response.producedAt + Math.floor((response.nextUpdate - response.producedAt) / 2);
    this.entries.set(certIdKey, { scope, response, refreshAt });
    const key = serialKey(scope.caId, scope.serialHex);
    let keys = this.bySerial.get(key);
    if (!keys) this.bySerial.set(key, (keys = new Set()));
    keys.add(certIdKey);
    while (this.entries.size > this.maxEntries) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry];
      this.remove(oldestKey, oldest);
      this.stats.evictions++;
    }
  }

  private remove(certIdKey: string, entry: Entry): void {
    this.entries.delete(certIdKey);
    const key = serialKey(entry.scope.caId, entry.scope.serialHex);
    const keys = this.bySerial.get(key);
    keys?.delete(certIdKey);
    if (keys?.size === 0) this.bySerial.delete(key);
  }
}

const sameScope = (a: OcspCacheScope, b: OcspCacheScope) => a.caId === b.caId && a.serialHex === b.serialHex && a.caVersion === b.caVersion;

/** The OCSP responder's in-process caches (one set per revocation-service process). */
export interface OcspCaches {
  /** Pre-signed responses; null when PKI_OCSP_CACHE_ENTRIES=0 (every response signed fresh). */
  readonly responses: OcspResponseCache | null;
  /** CertID issuer hashes -> the CA's read-model row (or undefined: "no such CA" is remembered too, so a flood of foreign issuers does not reach Postgres), for CA_LOOKUP_TTL_MS. */
  readonly cas: TtlCache<RevocationCaRow | undefined>;
}

/**
 * How long a CA lookup is reused. A CA change (disabled, deleted, OCSP switched off, a new CA
 * certificate) reaches the responder within this time after its projection, and with it every
 * cached response of that CA is replaced (entries are tied to the CA row's version).
 */
export const CA_LOOKUP_TTL_MS = 1_000;
const CA_LOOKUP_MAX_ENTRIES = 4_096;

export function ocspCaches(env: NodeJS.ProcessEnv): OcspCaches {
  const entries = ocspCacheEntriesFromEnv(env);
  return { responses: entries > 0 ? new OcspResponseCache(entries) : null, cas: new TtlCache(CA_LOOKUP_TTL_MS, CA_LOOKUP_MAX_ENTRIES) };
}

/** PKI_OCSP_CACHE_ENTRIES: most pre-signed OCSP responses kept per revocation-service process (default 50000; 0 turns the cache off). */
export function ocspCacheEntriesFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.PKI_OCSP_CACHE_ENTRIES;
  if (raw === undefined || raw === '') return 50_000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`PKI_OCSP_CACHE_ENTRIES must be an integer of at least 0, not ${JSON.stringify(raw)}`);
  return value;
}
