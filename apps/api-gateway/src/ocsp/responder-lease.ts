/**
 * This gateway process as an OCSP responder that keeps pre-signed responses (docs/DESIGN.md
 * "OCSP freshness"; revocation-service's side: ocsp-responders.ts):
 * - it renews its lease (`OcspResponderLease`) every RENEW_EVERY_MS, one renewal at a time, and
 *   answers from its pre-signed responses only until `leaseMs` after it SENT its last successful
 *   renewal (its own monotonic clock; revocation-service counts the same lease from a later
 *   moment, so this view ends first);
 * - each renewal brings the revocations committed since the previous one (gap-free cursor), which
 *   it drops, or `reset` (drop everything), and the CAs' read-model versions;
 * - it listens to every revocation's announcement (no queue group: every gateway hears it), drops
 *   the serial's responses, poisons its fills in flight, and acknowledges with its id; the
 *   revocation's RevokeCertificate replies only after every leased responder acknowledged, or
 *   after that responder's lease ended.
 * A gateway that misses an announcement (NATS cut, slow consumer) stops answering from its
 * responses when its lease ends, and its next successful renewal brings the revocation first.
 */
import { randomUUID } from 'node:crypto';
import type { NatsConnection, Subscription } from 'nats';
import {
  ocspInvalidationSubject,
  REVOCATION_OPERATIONS,
  type Caller,
  type OcspInvalidation,
  type OcspInvalidationAck,
  type OcspResponderLeaseInput,
  type OcspResponderLeaseOutput,
} from '@pki/contracts';
import type { ServiceClient } from '@pki/service-kit';
import type { PresignedResponses } from './presigned-responses';

/** How often the lease is renewed: several renewals fit in one lease, so one lost renewal costs nothing. */
export const RENEW_EVERY_MS = 250;
/** Taken off the lease for the two clocks' rates. */
const MARGIN_MS = 50;

const LEASE_CALLER: Caller = { accountId: '000000000000', accessKeyId: 'api-gateway' };

export interface ResponderLeaseLogger {
  warn(message: string): void;
}

export class ResponderLease {
  readonly responderId = randomUUID();
  private leaseEnd = 0;
  private cursor: string | null = null;
  private caEpoch: string | null = null;
  private caVersions = new Map<string, number>();
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private failing = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
    private readonly services: Pick<ServiceClient, 'request'>,
    private readonly responses: PresignedResponses,
    private readonly logger: ResponderLeaseLogger,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Whether the lease runs: pre-signed responses may be answered. */
  holds(): boolean {
    return this.clock() < this.leaseEnd;
  }

  /** The CA's read-model version as of the last renewal (entries of other versions are not served). */
  caVersion(caId: string): number | undefined {
    return this.caVersions.get(caId);
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.subscription = this.nc.subscribe(ocspInvalidationSubject(this.prefix), { callback: (error, msg) => (error ? this.responses.clear() : this.onInvalidation(msg.data, msg.reply, (data) => msg.respond(data))) });
    // The server knows the subscription before the first lease is asked for: from the lease on, no announcement is missed unnoticed.
    await this.nc.flush();
    await this.renew();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.leaseEnd = 0;
    clearTimeout(this.timer);
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  /** An announcement: drop, then acknowledge. Unreadable: drop everything, and acknowledge too (nothing is left to contradict it). */
  onInvalidation(data: Uint8Array, reply: string | undefined, respond: (data: string) => void): void {
    try {
      const invalidation = JSON.parse(Buffer.from(data).toString('utf8')) as Partial<OcspInvalidation>;
      if (typeof invalidation.certificateAuthorityId === 'string' && typeof invalidation.serial === 'string') this.responses.invalidate(invalidation.certificateAuthorityId, invalidation.serial);
      else this.responses.clear();
    } catch {
      this.responses.clear();
    }
    const ack: OcspInvalidationAck = { responderId: this.responderId };
    if (reply) respond(JSON.stringify(ack));
  }

  /** One renewal; schedules the next. */
  async renew(): Promise<void> {
    const sent = this.clock();
    const input: OcspResponderLeaseInput = { responderId: this.responderId, cursor: this.cursor, caEpoch: this.caEpoch };
    try {
      const reply = await this.services.request<OcspResponderLeaseOutput>('revocation', REVOCATION_OPERATIONS.OcspResponderLease, { caller: LEASE_CALLER, requestId: randomUUID(), input });
      if (reply.ok) {
        this.apply(reply.result, sent);
        if (this.failing) this.logger.warn('OCSP responder lease renewed again: answering from pre-signed responses');
        this.failing = false;
      } else if (!this.failing) {
        this.failing = true;
        this.logger.warn(`OCSP responder lease not renewed (${reply.error.message}): requests are forwarded to revocation-service until it is`);
      }
    } catch (error) {
      if (!this.failing) this.logger.warn(`OCSP responder lease not renewed (${(error as Error).message}): requests are forwarded until it is`);
      this.failing = true;
    } finally {
      if (!this.stopped) {
        this.timer = setTimeout(() => void this.renew(), RENEW_EVERY_MS);
        this.timer.unref();
      }
    }
  }

  /** A renewal's answer: revocations first, then the CA versions, then the lease. */
  apply(result: OcspResponderLeaseOutput, sent: number): void {
    if (result.reset) this.responses.clear();
    for (const [caId, serial] of result.revoked) this.responses.invalidate(caId, serial);
    this.cursor = result.sequence;
    if (result.cas) {
      this.caVersions = new Map(result.cas.map(([id, version]) => [id, version]));
      this.caEpoch = result.caEpoch;
    }
    this.leaseEnd = Math.max(this.leaseEnd, sent + result.leaseMs - MARGIN_MS);
  }
}
