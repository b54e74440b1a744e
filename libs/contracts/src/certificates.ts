/**
 * Certificate events other services consume (issuance-service publishes CertificateIssued,
 * revocation-service CertificateRevoked). Complete facts, denormalized so that a projection
 * (audit reports, CRLs, OCSP, IoT, Directory Service) never calls back into the source.
 */
export const ISSUANCE_EVENT_TYPES = {
  CertificateRequested: 'CertificateRequested',
  CertificateIssued: 'CertificateIssued',
  CertificateIssuanceFailed: 'CertificateIssuanceFailed',
} as const;

export const REVOCATION_EVENT_TYPES = {
  CertificateRevoked: 'CertificateRevoked',
  CrlGenerated: 'CrlGenerated',
} as const;

/** `CertificateIssued` schema version 1. */
export interface CertificateIssuedV1 {
  readonly certificateArn: string;
  readonly certificateAuthorityArn: string;
  readonly certificateAuthorityId: string;
  /** Lowercase hexadecimal without separators, as in the certificate ARN. */
  readonly serial: string;
  /** RFC 4514 rendering of the subject. */
  readonly subject: string;
  readonly issuerDn: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly issuedAt: string;
  readonly templateArn: string;
  /** The certificate, DER, base64. */
  readonly certificateDer: string;
  /** SHA-256 of the DER, lowercase hex (what IoT calls the certificate id). */
  readonly sha256Fingerprint: string;
  readonly accountId: string;
  /** AWS's audit field: the service principal that asked on a customer's behalf, or null. */
  readonly requestedByServicePrincipal: string | null;
}

/** AWS `RevocationReason` values (RevokeCertificate). */
export type RevocationReason =
  | 'UNSPECIFIED'
  | 'KEY_COMPROMISE'
  | 'CERTIFICATE_AUTHORITY_COMPROMISE'
  | 'AFFILIATION_CHANGED'
  | 'SUPERSEDED'
  | 'CESSATION_OF_OPERATION'
  | 'PRIVILEGE_WITHDRAWN'
  | 'A_A_COMPROMISE';

/** `CertificateRevoked` schema version 1. */
export interface CertificateRevokedV1 {
  readonly certificateArn: string;
  readonly certificateAuthorityArn: string;
  readonly certificateAuthorityId: string;
  readonly serial: string;
  readonly issuerDn: string;
  readonly sha256Fingerprint: string;
  readonly revocationReason: RevocationReason;
  readonly revokedAt: string;
  readonly accountId: string;
}
