/**
 * ca-service's internal signing operations and its key-use audit event.
 *
 * CA private keys never leave ca-service (DESIGN.md "Keys and signing"); issuance-service and
 * revocation-service ask it to sign over NATS request/reply on
 * `commandSubject(prefix, 'ca', SIGNING_OPERATIONS.SignData)` (resp. `SignDigest`), with the
 * usual `CommandMessage` envelope (`caller` = the account the work is done for, `requestId` =
 * the correlation id). The gateway never routes these: they are not acm-pca operations.
 *
 * Contract:
 * - `SignData` signs `data` (at most SIGN_DATA_MAX_OCTETS after base64 decoding) with the
 *   hash of `signingAlgorithm`; larger inputs (CRLs) are hashed by the caller and sent to
 *   `SignDigest`, whose digest must have the length of that hash (32, 48 or 64 octets).
 * - The signature is in X.509 form: RSASSA-PKCS1-v1_5 for *WITHRSA, DER `Ecdsa-Sig-Value`
 *   for *WITHECDSA; put it as-is in the BIT STRING of a certificate, CRL or OCSP response.
 * - Errors: unknown CA -> NotFound (ResourceNotFoundException); CA not ACTIVE -> InvalidState
 *   (InvalidStateException), except `CA_CERTIFICATE` which a ROOT CA may also use while
 *   PENDING_CERTIFICATE (signing its own certificate); algorithm family that does not match
 *   the CA key, a bad digest length or a malformed request -> Malformed (InvalidArgsException).
 * - Every signature is recorded as a `CaKeyUsed` event before the reply is sent; a signature
 *   whose record could not be written is never returned.
 * - A certificate gets at most one signature, ever: `SignData` for `CERTIFICATE` and
 *   `CA_CERTIFICATE` names the certificate (`certificateId`) and is idempotent per id. The
 *   first request signs and keeps the signature with its `CaKeyUsed` record; a repeat with the
 *   same data (same CA and algorithm) gets that signature again, byte for byte, and nothing new
 *   is signed or recorded (so a caller that lost the reply, e.g. issuance's recovery worker after
 *   a crash, finishes the certificate the first signature made); different data for the same id
 *   -> Conflict. (For ECDSA, signing one TBSCertificate twice makes two certificates with one
 *   serial.)
 */
import type { SigningAlgorithm } from './acm-pca-algorithms';

export const SIGNING_OPERATIONS = {
  SignData: 'SignData',
  SignDigest: 'SignDigest',
  SignDataBatch: 'SignDataBatch',
} as const;

/** Largest `data` SignData accepts (decoded); anything larger goes through SignDigest. */
export const SIGN_DATA_MAX_OCTETS = 1024 * 1024;

/** What a signature is for (recorded in the key-use audit log). */
export type SignaturePurpose = 'CSR' | 'CA_CERTIFICATE' | 'CERTIFICATE' | 'CRL' | 'OCSP';

/** The purposes other services may request over NATS (ca-service signs its own CSRs). */
export const REMOTE_SIGNATURE_PURPOSES = ['CA_CERTIFICATE', 'CERTIFICATE', 'CRL', 'OCSP'] as const;
export type RemoteSignaturePurpose = (typeof REMOTE_SIGNATURE_PURPOSES)[number];

interface SignRequestBase {
  /** The CA id (the UUID at the end of the CA ARN). */
  readonly certificateAuthorityId: string;
  readonly signingAlgorithm: SigningAlgorithm;
  readonly purpose: RemoteSignaturePurpose;
  /** The calling service and, where useful, on whose behalf, e.g. `issuance-service`. 1-256 characters. */
  readonly requestedBy: string;
}

export interface SignDataInput extends SignRequestBase {
  /** The to-be-signed bytes (e.g. a DER TBSCertificate), base64. */
  readonly dataBase64: string;
  /**
   * The certificate `data` is the TBSCertificate of (issuance-service's certificate id, 1-256
   * printable characters): required for purposes CERTIFICATE and CA_CERTIFICATE, refused for
   * the others. SignData signs each id once (see the contract above).
   */
  readonly certificateId?: string;
}

/** The purposes whose SignData is a certificate's one signature, idempotent per `certificateId`. */
export const CERTIFICATE_SIGNATURE_PURPOSES: readonly RemoteSignaturePurpose[] = ['CA_CERTIFICATE', 'CERTIFICATE'];

export interface SignDigestInput extends SignRequestBase {
  /** The digest of the to-be-signed bytes under the signing algorithm's hash, base64. */
  readonly digestBase64: string;
}

export interface SignatureOutput {
  readonly signatureBase64: string;
}

/**
 * `SignDataBatch`: several SignData of one CA in one message (revocation-service's OCSP
 * responses signed per request, coalesced while earlier ones are in flight). The CA is checked
 * once; each item is signed and gets its own `CaKeyUsed` record (its own correlation id), all
 * appended in one transaction, committed before any signature is returned; if that commit fails
 * no signature is. Only for purposes without a certificate id (OCSP): a certificate's one
 * signature stays a SignData naming it.
 */
export interface SignDataBatchInput extends SignRequestBase {
  readonly items: readonly { readonly dataBase64: string; readonly requestId: string }[];
}

/** Most items in one SignDataBatch (one key-use journal transaction). */
export const SIGN_DATA_BATCH_MAX_ITEMS = 256;
/** The purposes SignDataBatch signs. */
export const BATCH_SIGNATURE_PURPOSES: readonly RemoteSignaturePurpose[] = ['OCSP'];

export interface SignatureBatchOutput {
  /** One per item, in order. */
  readonly signaturesBase64: readonly string[];
}

export const KEY_USAGE_EVENT_TYPES = {
  CaKeyUsed: 'CaKeyUsed',
  CaKeyRewrapped: 'CaKeyRewrapped',
} as const;

/** The key-use audit stream of one CA. */
export function caKeyUsageStream(certificateAuthorityId: string): string {
  return `ca-key-usage-${certificateAuthorityId}`;
}

/**
 * `CaKeyUsed` v1: a CA private key made one signature. Internal audit log (DESIGN.md: every use
 * of a CA key is recorded); carries hashes, never the key or the signed bytes themselves.
 */
export interface CaKeyUsedV1 {
  readonly certificateAuthorityId: string;
  readonly purpose: SignaturePurpose;
  readonly signingAlgorithm: SigningAlgorithm;
  /** `DATA`: ca-service hashed the input; `DIGEST`: the caller supplied the digest. */
  readonly input: 'DATA' | 'DIGEST';
  /** SHA-256 of the signed data, lowercase hex; null when only a digest was supplied. */
  readonly sha256: string | null;
  /** The digest the signature covers (the signing algorithm's hash; for ML-DSA, FIPS 204's 64-octet mu), lowercase hex. */
  readonly digest: string;
  /** SHA-256 of the signature value, lowercase hex: ties the record to the artifact that carries it. */
  readonly signatureSha256: string;
  readonly requestedBy: string;
  /** The account the signature was made for (the caller of the originating request). */
  readonly requestedForAccount: string;
  readonly keyBackend: 'software' | 'pkcs11';
  readonly at: string;
}

/**
 * `CaKeyRewrapped` v1: KEK rotation re-wrapped a CA's software key under another key-encryption
 * key (README "Rotating the key-encryption key"). The key pair is unchanged; the event is
 * committed with the row's change, once per change. KEK ids are fingerprints, never key material.
 */
export interface CaKeyRewrappedV1 {
  readonly certificateAuthorityId: string;
  /** The KEK the data key was wrapped under before. */
  readonly fromKekId: string;
  /** The current KEK it is wrapped under now. */
  readonly toKekId: string;
  readonly at: string;
}
