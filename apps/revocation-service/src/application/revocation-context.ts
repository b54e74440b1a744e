import type { Caller, SignDataInput, SignDigestInput } from '@pki/contracts';
import type { CatchUp, EventStore } from '@pki/eventstore';
import type { ObjectStorage } from '@pki/object-storage';
import type { Kysely } from 'kysely';
import type { IssuanceQueries } from '../infrastructure/issuance.client';
import type { OcspCaches } from './ocsp-response-cache';

/** ca-service's Signer, as seen from here: SignData (OCSP) and SignDigest (CRLs). Returns the X.509-form signature. */
export interface RemoteSigner {
  signData(input: SignDataInput, on: { caller: Caller; requestId: string }): Promise<Buffer>;
  signDigest(input: SignDigestInput, on: { caller: Caller; requestId: string }): Promise<Buffer>;
}

export interface RevocationContext {
  readonly db: Kysely<any>;
  readonly store: EventStore;
  readonly objects: ObjectStorage;
  readonly signer: RemoteSigner;
  /** Base of the CRL URL when the CA has no CustomCname (PKI_PUBLIC_URL). */
  readonly publicUrl: string;
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
  /** The OCSP responder's pre-signed responses and CA lookups (ocsp-response-cache.ts); absent: none, every response signed fresh. */
  readonly ocspCaches?: OcspCaches;
}
