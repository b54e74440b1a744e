/**
 * Keeps this process's pre-signed OCSP responses (ocsp-response-cache.ts) in step with
 * revocations committed by OTHER revocation-service replicas: every replica listens (plain NATS
 * subscription, no queue group, so each one receives every message) on the subject the outbox
 * relay publishes CertificateRevoked to, and drops the serial's cached responses on receipt.
 * A revocation committed by this process was already dropped before RevokeCertificate replied.
 *
 * The cross-replica window: from the commit on replica B until replica A drops its entry is the
 * outbox relay's publication delay (its poll interval, 200 ms by default, while NATS is healthy)
 * plus one NATS delivery. In that window A may still answer `good` from its cache for a
 * certificate that B has just revoked, exactly as AWS's own responder does for far longer (its
 * OCSP responses reflect a revocation within 60 minutes). The window cannot grow without bound:
 * - any disconnect, reconnect or stale connection of this process's NATS connection, or a
 *   subscription error (slow consumer), clears the whole cache, since events published meanwhile
 *   may never reach this subscription (a plain subscription does not replay);
 * - should the relay itself be stuck, no entry outlives half of PKI_OCSP_VALIDITY_SECONDS, after
 *   which the status is read from Postgres again (where B's commit is visible at once).
 */
import type { NatsConnection, Status, Subscription } from 'nats';
import { isInterruption } from '@pki/eventstore';
import { eventSubject, REVOCATION_EVENT_TYPES, type CertificateRevokedV1 } from '@pki/contracts';
import { canonicalSerial } from '../domain/certificate-serial';
import type { OcspResponseCache } from './ocsp-response-cache';

export interface OcspCacheInvalidationLogger {
  error(message: string, error?: unknown): void;
}

/** What a CertificateRevoked message names, or null when the message is not one we can read. */
export function revokedSerialOf(body: Uint8Array): { caId: string; serialHex: string } | null {
  try {
    const envelope = JSON.parse(Buffer.from(body).toString('utf8')) as { type?: unknown; data?: Partial<CertificateRevokedV1> } | null;
    const data = envelope?.data;
    if (envelope?.type !== REVOCATION_EVENT_TYPES.CertificateRevoked || typeof data?.certificateAuthorityId !== 'string' || typeof data.serial !== 'string') return null;
    // The form revocations and OCSP CertIDs record (a serial that is not hex throws: unreadable).
    return { caId: data.certificateAuthorityId, serialHex: canonicalSerial(data.serial) };
  } catch {
    return null;
  }
}

/** A background worker (start/stop) subscribing `responses` to CertificateRevoked events. */
export function ocspCacheInvalidation(nc: NatsConnection, prefix: string, responses: OcspResponseCache, logger: OcspCacheInvalidationLogger) {
  let subscription: Subscription | undefined;
  let status: (AsyncIterable<Status> & { stop?: () => void }) | undefined;
  return {
    async start(): Promise<void> {
      subscription = nc.subscribe(eventSubject(prefix, 'revocation', REVOCATION_EVENT_TYPES.CertificateRevoked), {
        callback: (error, message) => {
          if (error) {
            logger.error(`OCSP cache invalidation subscription failed, dropping every cached response: ${error.message}`, error);
            responses.clear();
            return;
          }
          const revoked = revokedSerialOf(message.data);
          // Unreadable: we cannot tell which serial it names, so nothing cached may be trusted.
          if (revoked) responses.invalidate(revoked.caId, revoked.serialHex);
          else responses.clear();
        },
      });
      // The server knows the subscription from here on; anything cached before it might have missed an event.
      await nc.flush();
      responses.clear();
      const iterator = nc.status() as AsyncIterable<Status> & { stop?: () => void };
      status = iterator;
      void (async () => {
        try {
          for await (const s of iterator) {
            if (isInterruption(s)) responses.clear();
          }
        } catch {
          // the connection closed: nothing left to watch
        }
      })();
    },
    async stop(): Promise<void> {
      status?.stop?.();
      status = undefined;
      subscription?.unsubscribe();
      subscription = undefined;
    },
  };
}
