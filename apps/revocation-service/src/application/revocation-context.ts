import type { Caller, SignDataInput, SignDigestInput } from '@pki/contracts';
import type { EventStore } from '@pki/eventstore';
import type { ObjectStorage } from '@pki/object-storage';
import type { Kysely } from 'kysely';
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
  /** How long RevokeCertificate waits for a CA or certificate event that has not been projected yet. */
  readonly catchUpMs: number;
  /** Longest delay between a revocation and the CRL carrying it (PKI_CRL_DELAY_MS, default 60 s). */
  readonly crlDelayMs: number;
  /** Validity of an OCSP response: nextUpdate - thisUpdate (PKI_OCSP_VALIDITY_SECONDS, default 3600). */
  readonly ocspValiditySeconds: number;
  /** The OCSP responder's pre-signed responses and CA lookups (ocsp-response-cache.ts); absent: none, every response signed fresh. */
  readonly ocspCaches?: OcspCaches;
}
