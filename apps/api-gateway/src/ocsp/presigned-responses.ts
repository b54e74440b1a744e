/**
 * The gateway's pre-signed OCSP responses (RFC 5019 §2.2.2 and §6: a responder may answer from
 * responses produced in advance while they are within their validity), so that the common request
 * (one CertID, no nonce) is answered by the process that received it, without a NATS round trip.
 *
 * Keyed by the request's DER octets: a request is answered only with the response made for
 * exactly those octets (the response echoes the CertID verbatim, RFC 6960 §4.2.1), so SHA-1 and
 * SHA-256 CertIDs of one certificate are two entries. revocation-service decides what may be
 * reused (`presigned`: one CertID, no nonce, not `unknown`); this store only keeps it, with the
 * CA and serial it answers for (to drop it on a revocation) and the CA's read-model version (an
 * entry of an older version than the lease's is never served: a CA disabled, OCSP switched off
 * or a new CA certificate gets fresh answers).
 *
 * Freshness: an entry is served while more than half of its validity remains; then the next
 * request is forwarded and its response replaces it. Revocations: `invalidate` drops the serial's
 * entries and poisons every fill in flight (a fill reads the status before it returns, perhaps
 * before the revocation committed; the store does not know which serial a fill is for until its
 * answer arrives, so every fill is poisoned: revocations are rare). A poisoned fill still answers
 * the requests that waited for it (they arrived before the revocation was acknowledged) but is
 * never stored. `clear` drops everything (a lease renewal said reset).
 *
 * Bounded: at most `maxEntries` (PKI_OCSP_CACHE_ENTRIES), least recently used evicted first;
 * an entry is its request key, response and headers, about 1 KB for a P-256 CA.
 */
import { createHash } from 'node:crypto';
import type { OcspPresigned } from '@pki/contracts';

export interface PresignedEntry {
  readonly presigned: OcspPresigned;
  readonly body: Buffer;
  /** RFC 5019 §6.2 validators, computed once. */
  readonly etag: string;
  readonly lastModified: string;
  readonly expires: string;
  /** When less than half of the validity remains: answer no more from it. */
  readonly refreshAt: number;
}

/** A forwarded request whose answer may be stored; poisoned by any invalidation while in flight. */
export interface Fill {
  poisoned: boolean;
}

export function presignedEntry(presigned: OcspPresigned, body: Buffer): PresignedEntry {
  return {
    presigned,
    body,
    etag: `"${createHash('sha1').update(body).digest('hex')}"`,
    lastModified: new Date(presigned.producedAt).toUTCString(),
    expires: new Date(presigned.nextUpdate).toUTCString(),
    refreshAt: presigned.producedAt + Math.floor((presigned.nextUpdate - presigned.producedAt) / 2),
  };
}

const serialKey = (caId: string, serial: string) => `${caId}/${serial}`;

export class PresignedResponses {
  private readonly entries = new Map<string, PresignedEntry>();
  private readonly bySerial = new Map<string, Set<string>>();
  private readonly fills = new Set<Fill>();
  /** Counters for tests and diagnostics. */
  readonly stats = { hits: 0, stored: 0, evictions: 0, invalidations: 0 };

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error(`a pre-signed OCSP response store needs at least one entry, not ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry for `key` while fresh and made under the CA version the lease knows; undefined otherwise. */
  get(key: string, nowMs: number, caVersion: (caId: string) => number | undefined): PresignedEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (nowMs >= entry.refreshAt || caVersion(entry.presigned.certificateAuthorityId) !== entry.presigned.caVersion) return undefined;
    // Least recently used first in iteration order: move the hit to the end.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.stats.hits++;
    return entry;
  }

  /** A fill starts: from here on an invalidation poisons it. */
  begin(): Fill {
    const fill: Fill = { poisoned: false };
    this.fills.add(fill);
    return fill;
  }

  /** A fill ended: its answer is kept when reusable and not poisoned. */
  end(fill: Fill, key: string, entry: PresignedEntry | null): void {
    this.fills.delete(fill);
    if (!entry || fill.poisoned) return;
    this.remove(key);
    this.entries.set(key, entry);
    this.stats.stored++;
    const serial = serialKey(entry.presigned.certificateAuthorityId, entry.presigned.serial);
    let keys = this.bySerial.get(serial);
    if (!keys) this.bySerial.set(serial, (keys = new Set()));
    keys.add(key);
    while (this.entries.size > this.maxEntries) {
      this.remove(this.entries.keys().next().value as string);
      this.stats.evictions++;
    }
  }

  /** Drops the serial's responses and poisons every fill in flight (a revocation committed). */
  invalidate(caId: string, serial: string): void {
    this.stats.invalidations++;
    const key = serialKey(caId, serial);
    for (const entryKey of this.bySerial.get(key) ?? []) this.entries.delete(entryKey);
    this.bySerial.delete(key);
    this.poisonFills();
  }

  /** Forgets everything, fills in flight included. */
  clear(): void {
    this.stats.invalidations++;
    this.entries.clear();
    this.bySerial.clear();
    this.poisonFills();
  }

  private poisonFills(): void {
    for (const fill of this.fills) fill.poisoned = true;
    this.fills.clear();
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const serial = serialKey(entry.presigned.certificateAuthorityId, entry.presigned.serial);
    const keys = this.bySerial.get(serial);
    keys?.delete(key);
    if (keys?.size === 0) this.bySerial.delete(serial);
  }
}

/** PKI_OCSP_CACHE_ENTRIES: most pre-signed OCSP responses each gateway process keeps (default 50000; 0 turns them off). */
export function ocspCacheEntriesFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.PKI_OCSP_CACHE_ENTRIES;
  if (raw === undefined || raw === '') return 50_000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`PKI_OCSP_CACHE_ENTRIES must be an integer of at least 0, not ${JSON.stringify(raw)}`);
  return value;
}
