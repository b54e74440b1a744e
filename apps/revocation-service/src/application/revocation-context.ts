import type { Caller, SignDataBatchInput, SignDataInput, SignDigestInput } from '@pki/contracts';
import type { CatchUp, EventStore } from '@pki/eventstore';
import type { ObjectStorage } from '@pki/object-storage';
import type { Kysely } from 'kysely';
import type { PgPool } from '../infrastructure/crl-entries.copy';
import type { IssuanceQueries } from '../infrastructure/issuance.client';
import type { TtlCache } from '@pki/service-kit';
import type { RevocationCaRow } from '../infrastructure/tables/revocation-ca.table';
import type { OcspAnnouncer } from './ocsp-responders';

/** ca-service's Signer, as seen from here: SignDataBatch (OCSP), SignDigest (CRLs). Returns X.509-form signatures. */
export interface RemoteSigner {
  signData(input: SignDataInput, on: { caller: Caller; requestId: string }): Promise<Buffer>;
  signDigest(input: SignDigestInput, on: { caller: Caller; requestId: string }): Promise<Buffer>;
  signDataBatch(input: SignDataBatchInput, on: { caller: Caller; requestId: string }): Promise<Buffer[]>;
}

export interface RevocationContext {
  readonly db: Kysely<any>;
  /**
   * The pg Pool under `db`, for what Kysely cannot run (the CRL entries' binary COPY). Absent:
   * the one @pki/eventstore's createDb registered for `db` (every service's runtime); tests on
   * their own Kysely hand theirs.
   */
  readonly pgPool?: PgPool;
  readonly store: EventStore;
  readonly objects: ObjectStorage;
  readonly signer: RemoteSigner;
  /** Base of the CRL URL when the CA has no CustomCname (PKI_PUBLIC_URL). */
  readonly publicUrl: string;
  /** PKI_REGION: the region of callers that name none (gRPC); absent (tests): such callers see every region. */
  readonly region?: string;
  readonly now: () => Date;
  /** issuance-service's LookupIssuedCertificate: the owner's word on a serial the projection has no row for (issued-certificates.ts). */
  readonly issuance: IssuanceQueries;
  /** Waits for the CA projection to apply ca-service's stream (ServiceRuntime.catchUp); absent: the projection is taken as complete. */
  readonly caCatchUp?: CatchUp;
  /**
   * Whether ca-service has the CA (LookupCertificateAuthority), asked when the projection has
   * applied the stream and still lacks it: an event ca-service committed but has not published
   * yet. Absent: the projection is taken as complete.
   */
  readonly caExists?: (certificateAuthorityId: string, caller: Caller) => Promise<boolean>;
  /** Longest wait for CA events not projected yet, and only while there are some (PKI_REVOCATION_CATCH_UP_MS). */
  readonly catchUpMs: number;
  /** Longest delay between a revocation and the CRL carrying it (PKI_CRL_DELAY_MS, default 60 s). */
  readonly crlDelayMs: number;
  /** Validity of an OCSP response: nextUpdate - thisUpdate (PKI_OCSP_VALIDITY_SECONDS, default 3600). */
  readonly ocspValiditySeconds: number;
  /** CertID issuer hashes -> the CA's row (or undefined: "no such CA" is remembered too), reused for CA_LOOKUP_TTL_MS; absent: every OCSP request looks its CA up. */
  readonly caLookups?: TtlCache<RevocationCaRow | undefined>;
  /** Tells every OCSP responder (gateway) about a committed revocation before RevokeCertificate replies (ocsp-responders.ts); absent: no responder keeps responses. */
  readonly ocspAnnouncer?: OcspAnnouncer;
}
