/**
 * issuance-service's own event payloads (the Certificate aggregate). `CertificateIssuedV1`, the
 * event other services consume, lives in certificates.ts with the event type names
 * (ISSUANCE_EVENT_TYPES); these are the other two facts of a certificate's life.
 */
import type { SigningAlgorithm } from './acm-pca-algorithms';
import type { CertificateIssuedV1, CrlPartitionBinding } from './certificates';

/** Stream of one certificate (one aggregate per issued certificate). */
export function certificateStream(certificateId: string): string {
  return `certificate-${certificateId}`;
}

/**
 * `CertificateRequested` v1: the intent, recorded before anything is signed (STYLE.md
 * "Record the intent before signing"): the serial and the exact to-be-signed content (its
 * SHA-256), so the signature that follows can be checked against what was decided.
 */
export interface CertificateRequestedV1 {
  readonly certificateId: string;
  readonly certificateArn: string;
  readonly certificateAuthorityArn: string;
  readonly certificateAuthorityId: string;
  /** Lowercase hexadecimal without separators, as in the certificate ARN. */
  readonly serial: string;
  readonly templateArn: string;
  readonly signingAlgorithm: SigningAlgorithm;
  /** `CA_CERTIFICATE` for a root CA's own certificate, else `CERTIFICATE` (the sign purpose). */
  readonly purpose: 'CERTIFICATE' | 'CA_CERTIFICATE';
  /** The request's CSR, PEM (untrusted input, kept for the record). */
  readonly csr: string;
  /** RFC 4514 renderings of the subject and issuer names in the TBSCertificate. */
  readonly subject: string;
  readonly issuerDn: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** The DER TBSCertificate to be signed, base64. */
  readonly tbsCertificate: string;
  /** SHA-256 of the DER TBSCertificate, lowercase hex. */
  readonly tbsSha256: string;
  /** The issuing CA's certificate and its chain to the root (PEM), as GetCertificate returns it; null for a self-signed certificate. */
  readonly certificateChain: string | null;
  readonly idempotencyToken: string | null;
  readonly accountId: string;
  readonly requestedAt: string;
  /** The CRL partition the certificate is bound to (CertificateIssuedV1.crlPartition); absent: the complete CRL. */
  readonly crlPartition?: CrlPartitionBinding;
}

/** `CertificateIssuanceFailed` v1: the requested certificate will never exist. */
export interface CertificateIssuanceFailedV1 {
  readonly certificateId: string;
  readonly certificateArn: string;
  readonly certificateAuthorityArn: string;
  readonly certificateAuthorityId: string;
  readonly serial: string;
  /** Why, for operators and for GetCertificate's RequestFailedException (never key material). */
  readonly reason: string;
  readonly accountId: string;
  readonly failedAt: string;
}

/**
 * issuance-service's internal queries over request/reply, on
 * `commandSubject(prefix, 'issuance', ISSUANCE_OPERATIONS.<name>)` with the usual `CommandMessage`
 * envelope. Not acm-pca operations: the gateway never routes them.
 *
 * `LookupIssuedCertificate`: whether a CA issued a serial, answered from issuance's own records
 * (the owner's truth, committed before IssueCertificate returned). Other services ask when their
 * projection of CertificateIssued has not caught up (revocation-service: RevokeCertificate, OCSP),
 * so a certificate that exists is never reported as unknown there.
 */
export const ISSUANCE_OPERATIONS = {
  LookupIssuedCertificate: 'LookupIssuedCertificate',
} as const;

export interface LookupIssuedCertificateInput {
  readonly certificateAuthorityId: string;
  /** Lowercase hexadecimal without separators or leading zeros, as in the certificate ARN. */
  readonly serial: string;
}

/**
 * `ISSUED`: the CertificateIssued event (its id and v1 payload) exactly as published, so a copy
 * made from this answer and the projected event later are the same row. `IN_PROGRESS`: requested,
 * not signed or recorded yet (ask again shortly). `NOT_ISSUED`: never requested, or failed.
 */
export type LookupIssuedCertificateOutput =
  | { readonly status: 'ISSUED'; readonly eventId: string; readonly certificate: CertificateIssuedV1 }
  | { readonly status: 'IN_PROGRESS' }
  | { readonly status: 'NOT_ISSUED' };
