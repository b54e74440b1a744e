/**
 * revocation-service's side of OCSP freshness (docs/DESIGN.md "OCSP freshness"): the gateways
 * answer requests without a nonce from pre-signed responses they keep per process, so a
 * revocation must reach every one of them before RevokeCertificate replies.
 *
 * - Leases: a responder (gateway process) renews its lease every few hundred milliseconds
 *   (`OcspResponderLease`) and answers from its pre-signed responses only until LEASE_MS after it
 *   SENT its last successful renewal. Postgres keeps each lease as now() + LEASE_MS at the
 *   renewal, which is later than the send, so a responder's own view of its lease always ends
 *   first. Each renewal first writes the lease, then reads the revocations committed after the
 *   responder's cursor (the gap-free revocation sequence), and the CAs' read-model versions.
 * - Announcement: after a revocation committed, `announce` lists the responders whose lease runs
 *   (Postgres's clock), broadcasts the invalidation on ocspInvalidationSubject and waits until
 *   each of them acknowledged it, or until its lease has ended. Either way, when it returns no
 *   responder can still answer `good` from a response signed before the revocation: an
 *   acknowledging responder dropped it; a silent one cannot answer from its cache past its lease,
 *   and renews only with a renewal that writes its lease after the announcement listed
 *   responders, hence after the commit, so that renewal's read brings the revocation. A
 *   responder not listed had no running lease at the listing, so the same holds.
 */
import { createInbox, type NatsConnection } from 'nats';
import { DomainError, ocspInvalidationSubject, type CommandMessage, type OcspInvalidation, type OcspInvalidationAck, type OcspResponderLeaseInput, type OcspResponderLeaseOutput } from '@pki/contracts';
import { revocationDb } from '../infrastructure/database';
import { caVersions, forgetOldResponders, liveResponders, renewResponderLease, revocationsSince } from '../infrastructure/ocsp-freshness.queries';
import type { RevocationContext } from './revocation-context';

/** How long a responder may answer from its pre-signed responses after sending a renewal. */
export const OCSP_LEASE_MS = 1000;
/** Most revocations one renewal lists; past that the responder drops everything (reset). */
const MAX_LISTED = 1000;
/** Responders whose lease ended this long ago are forgotten (a renewal in a hundred does it). */
const FORGET_AFTER_SECONDS = 3600;
/** Margin on the wait for a silent responder's lease (the two clocks may run at slightly different rates). */
const CLOCK_MARGIN_MS = 50;

const RESPONDER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SEQUENCE = /^(0|[1-9][0-9]{0,18})$/;

let renewals = 0;

export async function renewOcspLease(context: RevocationContext, message: CommandMessage): Promise<OcspResponderLeaseOutput> {
  const input = message.input as Partial<OcspResponderLeaseInput> | null;
  const responderId = input?.responderId;
  const cursor = input?.cursor ?? null;
  const epoch = input?.caEpoch ?? null;
  if (typeof responderId !== 'string' || !RESPONDER_ID.test(responderId)) throw new DomainError('Malformed', 'responderId must be 1-64 letters, digits, - or _.');
  if (cursor !== null && (typeof cursor !== 'string' || !SEQUENCE.test(cursor))) throw new DomainError('Malformed', 'cursor must be null or a revocation sequence.');
  if (epoch !== null && typeof epoch !== 'string') throw new DomainError('Malformed', 'caEpoch must be null or a string.');
  const db = revocationDb(context.db);
  // The lease first, the revocations after: see the header.
  await renewResponderLease(db, responderId, OCSP_LEASE_MS);
  if (++renewals % 100 === 0) await forgetOldResponders(db, FORGET_AFTER_SECONDS);
  const [since, versions] = await Promise.all([revocationsSince(db, cursor, MAX_LISTED), caVersions(db)]);
  const reset = cursor === null || since.revoked.length > MAX_LISTED || BigInt(cursor) > BigInt(since.last);
  return {
    leaseMs: OCSP_LEASE_MS,
    sequence: since.last,
    revoked: reset ? [] : since.revoked,
    reset,
    caEpoch: versions.epoch,
    cas: versions.epoch === epoch ? null : versions.cas,
  };
}

export interface OcspAnnouncer {
  /** Returns once every responder dropped the serial's pre-signed responses, or can no longer answer from them. */
  announce(caId: string, serial: string): Promise<void>;
}

export interface OcspAnnouncerLogger {
  warn(message: string): void;
}

export function ocspAnnouncer(nc: NatsConnection, prefix: string, db: RevocationContext['db'], logger: OcspAnnouncerLogger): OcspAnnouncer {
  const subject = ocspInvalidationSubject(prefix);
  return {
    async announce(caId, serial) {
      const live = await liveResponders(revocationDb(db));
      if (live.length === 0) return;
      const listedAt = Date.now();
      const waiting = new Map(live.map((r) => [r.id, r.remainingMs]));
      const longest = Math.max(...live.map((r) => r.remainingMs)) + CLOCK_MARGIN_MS;
      await new Promise<void>((resolve) => {
        const inbox = createInbox();
        const subscription = nc.subscribe(inbox, {
          callback: (error, msg) => {
            if (error) return;
            try {
              const ack = JSON.parse(Buffer.from(msg.data).toString('utf8')) as Partial<OcspInvalidationAck>;
              if (typeof ack.responderId === 'string') waiting.delete(ack.responderId);
            } catch {
              return;
            }
            if (waiting.size === 0) done();
          },
        });
        const done = () => {
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve();
        };
        // A silent responder: wait until its lease has ended (the longest of those listed, from the listing on).
        const timer = setTimeout(() => {
          logger.warn(`revocation of ${serial} (CA ${caId}): ${waiting.size} OCSP responder(s) did not acknowledge (${[...waiting.keys()].join(', ')}); waited for their leases to end`);
          done();
        }, Math.max(0, listedAt + longest - Date.now()));
        try {
          const invalidation: OcspInvalidation = { certificateAuthorityId: caId, serial };
          nc.publish(subject, JSON.stringify(invalidation), { reply: inbox });
        } catch {
          // NATS unusable: nobody hears it; the leases end on their own (the timer).
        }
      });
    },
  };
}
