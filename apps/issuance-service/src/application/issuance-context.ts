import { DomainError, type Caller, type SignDataInput } from '@pki/contracts';
import type { CatchUp, EventStore } from '@pki/eventstore';
import type { Kysely } from 'kysely';
import type { IssuingCaViews } from './issuing-ca-views';
import type { CrlPartitions } from './crl-partitions';
import type { RecentlyIssued } from './recently-issued';
import type { KeyUsageProfile } from '../domain/key-usage';

/**
 * The Signer port as issuance sees it: ca-service's `SignData` (the CA key never leaves
 * ca-service). Resolves to the signature in X.509 form, or throws a DomainError with
 * ca-service's answer (NotFound, InvalidState, Malformed, Unavailable).
 */
export type CertificateSigner = (input: SignDataInput, on: { readonly caller: Caller; readonly requestId: string }) => Promise<Uint8Array>;

/**
 * A signer error after which ca-service may still hold a signature of the certificate (it was
 * unreachable, slow, or failed inside; the reply may be what was lost), as opposed to a refusal
 * (NotFound, InvalidState, Malformed, Conflict). Such a request is not failed: SignData is
 * idempotent per certificate, so asking again later (the recovery worker) gets that signature.
 */
export const signatureMayExist = (error: unknown): boolean => !(error instanceof DomainError) || error.kind === 'Unavailable' || error.kind === 'Internal';

/** What issuance's handlers need, injected so tests can pin the clock, ids, serials and the signer. */
export interface IssuanceContext {
  readonly db: Kysely<any>;
  readonly store: EventStore;
  /** Base of every URL written into certificates (PKI_PUBLIC_URL). */
  readonly publicUrl: string;
  /** PKI_REGION: the region of callers that name none (gRPC); absent (tests): such callers see every region. */
  readonly region?: string;
  /** PKI_KEY_USAGE_PROFILE (domain/key-usage.ts); absent: rfc5480. */
  readonly keyUsageProfile?: KeyUsageProfile;
  /** Binds certificates of CAs with CrlType PARTITIONED to their CRL partition; absent: one made on first use with the default size. */
  crlPartitions?: CrlPartitions;
  readonly now: () => Date;
  readonly newId: () => string;
  /** A fresh positive serial (16 CSPRNG octets in production, see serialFromRandom). */
  readonly newSerial: () => bigint;
  readonly signer: CertificateSigner;
  /**
   * How long a request waits for ca-service's latest CA events to reach this service's
   * projection when the CA looks unknown or not yet able to issue (e.g. IssueCertificate right
   * after ImportCertificateAuthorityCertificate returned).
   */
  readonly caCatchUpMs: number;
  /** Waits for the issuing-CA projection to apply ca-service's stream (ServiceRuntime.catchUp); absent: the projection is taken as complete. */
  readonly caCatchUp?: CatchUp;
  /**
   * Whether ca-service has the CA (LookupCertificateAuthority), asked when the projection has
   * applied the stream and still lacks it: an event ca-service committed but has not published
   * yet. Absent: the projection is taken as complete.
   */
  readonly caExists?: (certificateAuthorityId: string, caller: Caller) => Promise<boolean>;
  /**
   * The CA's status in ca-service (undefined: unknown there), asked when the projection's CA is
   * still not ready for a request at the deadline: a different status there means this
   * projection is behind (its events not applied or not published yet), not that the CA refuses.
   * Absent: the projection's status is taken as current.
   */
  readonly caStatus?: (certificateAuthorityId: string, caller: Caller) => Promise<string | undefined>;
  /** The CAs this process read recently, kept in step by ca-service's events (issuing-ca-views.ts); absent: every request reads the table. */
  readonly caViews?: IssuingCaViews;
  /** The certificates this process issued last, for the GetCertificate that follows (recently-issued.ts); absent: GetCertificate reads the table. */
  readonly recentlyIssued?: RecentlyIssued;
}
