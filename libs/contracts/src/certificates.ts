/**
 * Certificate events other services consume (issuance-service publishes CertificateIssued,
 * revocation-service CertificateRevoked). Complete facts, denormalized so that a projection
 * (audit reports, CRLs, OCSP, IoT, Directory Service) never calls back into the source.
 */
import type { RevocationReason } from './revocation-reasons';

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

/** `CrlGenerated` schema version 1: a CA published a complete CRL (RFC 5280 v2). */
export interface CrlGeneratedV1 {
  readonly certificateAuthorityArn: string;
  readonly certificateAuthorityId: string;
  /** cRLNumber, decimal (up to 20 octets, so not a JSON number). */
  readonly crlNumber: string;
  readonly entryCount: number;
  /** Size of the DER CRL in octets. */
  readonly size: number;
  readonly thisUpdate: string;
  readonly nextUpdate: string;
  /** Where relying parties fetch it (the URL in certificates' CRL distribution point). */
  readonly url: string;
  /** Where it was written: the CA's S3BucketName and the key `crl/<CA id>.crl`. */
  readonly bucket: string;
  readonly key: string;
  readonly accountId: string;
  readonly generatedAt: string;
}

/**
 * revocation-service's internal operation behind the gateway's public OCSP route (`GET|POST
 * /ocsp...`, unsigned as on AWS): the gateway forwards the raw DER OCSPRequest, the service
 * answers a DER OCSPResponse (RFC 6960) and how long HTTP caches may keep it (RFC 5019 §6).
 */
export const REVOCATION_OPERATIONS = {
  OcspRequest: 'OcspRequest',
  CrlLocation: 'CrlLocation',
} as const;

export interface OcspRequestInput {
  /** The DER OCSPRequest, base64. */
  readonly requestBase64: string;
  /** GET responses may be cached by HTTP caches (RFC 5019 §5); POST responses are not. */
  readonly method: 'GET' | 'POST';
}

export interface OcspRequestOutput {
  /** The DER OCSPResponse, base64 (also for malformedRequest / unauthorized / tryLater). */
  readonly responseBase64: string;
  /** HTTP caching facts (RFC 5019 §6.2) when the response may be cached; null otherwise. */
  readonly cache: { readonly producedAt: string; readonly nextUpdate: string; readonly maxAgeSeconds: number } | null;
}

/**
 * revocation-service's internal operation behind the gateway's CRL CustomCname route (`GET
 * http://<CustomCname>/crl/<CA id>.crl`, unsigned): where a CA's CRL is published, so the gateway
 * can serve that object when the request's Host is the CA's CustomCname.
 */
export interface CrlLocationInput {
  readonly certificateAuthorityId: string;
}

export interface CrlLocationOutput {
  /** Null when the CA is unknown or its CrlConfiguration names no CustomCname and S3BucketName. */
  readonly location: {
    /** CrlConfiguration.CustomCname, as configured. */
    readonly customCname: string;
    /** CrlConfiguration.S3BucketName and the CRL's key (`crl/<CA id>.crl`). */
    readonly bucket: string;
    readonly key: string;
  } | null;
}
