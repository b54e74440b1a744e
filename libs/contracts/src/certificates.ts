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
  CrlGenerationFailed: 'CrlGenerationFailed',
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
  /**
   * The CRL partition the certificate is bound to, when its CA had CrlType PARTITIONED and CRLs
   * enabled at issuance: its revocation is published on that partition's CRL, at the URL its CRL
   * distribution point names. Absent: the CA's complete CRL. (Added to version 1 as an optional
   * member: events written before it carry none, which means the complete CRL.)
   */
  readonly crlPartition?: CrlPartitionBinding;
}

/**
 * A CRL partition and where its CRL lives, fixed when the partition is opened: a partition's CRL
 * carries an issuingDistributionPoint that relying parties compare with the certificate's CDP, so
 * it stays at this URL for as long as its certificates are valid, whatever the CA's
 * CrlConfiguration becomes (a changed CustomCname, CustomPath or bucket opens a new partition).
 */
export interface CrlPartitionBinding {
  /** The partition id, a UUID: `<id>.crl`. */
  readonly id: string;
  /** The S3BucketName and object key its CRL is written to. */
  readonly bucket: string;
  readonly key: string;
  /** The URL its certificates' CRL distribution point names (and its CRL's issuingDistributionPoint). */
  readonly url: string;
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
  /** Where it was written: the CA's S3BucketName and the key (`crl/<CA id>.crl` unless partitioned or under a CustomPath). */
  readonly bucket: string;
  readonly key: string;
  readonly accountId: string;
  readonly generatedAt: string;
  /** The partition this CRL covers (CrlType PARTITIONED); absent for the CA's complete CRL. */
  readonly crlPartition?: string;
}

/**
 * `CrlGenerationFailed` schema version 1: one attempt at a CA's CRL failed (it is retried with
 * backoff). `stage` says where: `GENERATE` (reading, building or signing it) or `WRITE` (putting
 * it in the CA's S3 bucket, `permission` when the store refused access).
 */
export interface CrlGenerationFailedV1 {
  readonly certificateAuthorityArn: string;
  readonly certificateAuthorityId: string;
  readonly stage: 'GENERATE' | 'WRITE';
  readonly permission: boolean;
  /** What went wrong, for operators (never key material). */
  readonly reason: string;
  readonly accountId: string;
  readonly failedAt: string;
  readonly retryAfter: string;
}

/**
 * revocation-service's internal operations behind the gateway's public OCSP route (`GET|POST
 * /ocsp...`, unsigned as on AWS).
 *
 * `OcspRequests`: the gateway forwards the raw DER OCSPRequests it cannot answer itself, several
 * in one message (the requests that arrived while its previous ones were in flight), and gets one
 * DER OCSPResponse (RFC 6960) per request, in order. A response the gateway may keep and answer
 * again for requests without a nonce (RFC 5019 §2.2.2: one CertID, no nonce, not `unknown`)
 * comes with `presigned`: whose status it tells and until when.
 *
 * `OcspResponderLease`: a gateway answers from its pre-signed responses only while it holds a
 * lease, renewed every few hundred milliseconds; each renewal brings the revocations committed
 * since its cursor and the CAs' read-model versions (docs/DESIGN.md "OCSP freshness").
 */
export const REVOCATION_OPERATIONS = {
  OcspRequests: 'OcspRequests',
  OcspResponderLease: 'OcspResponderLease',
  CrlLocation: 'CrlLocation',
  CertificateStatus: 'CertificateStatus',
} as const;

/** Most OCSP requests in one OcspRequests message. */
export const MAX_OCSP_REQUESTS_PER_MESSAGE = 128;

export interface OcspRequestItem {
  /** The DER OCSPRequest, base64. */
  readonly requestBase64: string;
  /** The gateway's request id of the HTTP request it came in (logs, the key-use audit's correlation id). */
  readonly requestId: string;
}

export interface OcspRequestsInput {
  readonly requests: readonly OcspRequestItem[];
}

/** Which certificate a reusable response answers for, under which CA read-model version, and its validity. */
export interface OcspPresigned {
  readonly certificateAuthorityId: string;
  /** Canonical serial (lowercase hex, no leading zeros), as revocations name it. */
  readonly serial: string;
  /** What the response says of the certificate (never `unknown`: those are not reused). */
  readonly status: 'good' | 'revoked';
  /** The CA read-model version the response was produced under (OcspResponderLeaseOutput.cas). */
  readonly caVersion: number;
  /** producedAt / thisUpdate and nextUpdate, epoch milliseconds. */
  readonly producedAt: number;
  readonly nextUpdate: number;
}

export interface OcspResponseItem {
  /** The DER OCSPResponse, base64 (also for malformedRequest / unauthorized / tryLater). */
  readonly responseBase64: string;
  /** Set when the response may answer later requests without a nonce for the same CertID; null otherwise. */
  readonly presigned: OcspPresigned | null;
}

export interface OcspRequestsOutput {
  /** One per request, in the order of the input. */
  readonly responses: readonly OcspResponseItem[];
}

export interface OcspResponderLeaseInput {
  /** The responder (one gateway process), a random id it keeps for its lifetime. */
  readonly responderId: string;
  /** The revocation sequence it has applied (the previous answer's `sequence`), or null at its start. */
  readonly cursor: string | null;
  /** The `caEpoch` of the CA versions it holds, or null. */
  readonly caEpoch: string | null;
}

export interface OcspResponderLeaseOutput {
  /** How long from the moment the request was SENT the responder may answer from its pre-signed responses. */
  readonly leaseMs: number;
  /** The revocation sequence this answer brings the responder to (decimal). */
  readonly sequence: string;
  /** Revocations committed after `cursor` up to `sequence` ([CA id, canonical serial]); empty when `reset`. */
  readonly revoked: ReadonlyArray<readonly [string, string]>;
  /** True when the responder must drop every pre-signed response (no cursor, or too many revocations to list). */
  readonly reset: boolean;
  /** A digest of every CA's read-model version; `cas` is sent when it differs from the responder's. */
  readonly caEpoch: string;
  /** Every CA's read-model version ([CA id, version]), or null when the responder's caEpoch is current. */
  readonly cas: ReadonlyArray<readonly [string, number]> | null;
}

/** What revocation-service broadcasts to every responder after a revocation committed, before RevokeCertificate replies. */
export interface OcspInvalidation {
  readonly certificateAuthorityId: string;
  readonly serial: string;
}

/** A responder's acknowledgement: it dropped the serial's responses (and poisoned its fills in flight). */
export interface OcspInvalidationAck {
  readonly responderId: string;
}

/**
 * revocation-service's internal operation behind the gateway's CRL CustomCname route (`GET
 * http://<CustomCname>/crl/<CA id>.crl`, unsigned): where a CA's CRL is published, so the gateway
 * can serve that object when the request's Host is the CA's CustomCname.
 */
/**
 * `CertificateStatus`: whether a certificate of a CA is good or revoked, from revocation-service's
 * own records, whatever the CA's OCSP and CRL configuration: the gateway's check of gRPC client
 * certificates and WatchCertificate's first answer. Internal (no API route reaches it).
 */
export interface CertificateStatusInput {
  readonly certificateAuthorityId: string;
  /** Canonical serial: lowercase hex, no leading zeros. */
  readonly serial: string;
}

export interface CertificateStatusOutput {
  /** `unknown`: the CA issued no such certificate; `inProgress`: it is being issued, ask again. */
  readonly status: 'good' | 'revoked' | 'unknown' | 'inProgress';
  /** ISO 8601, when revoked. */
  readonly revokedAt: string | null;
  /** The AWS RevocationReason, when revoked. */
  readonly reason: string | null;
}

/**
 * Which CRL a request to a CustomCname names: `customCname` (the request's Host) and `key` (its
 * path without the leading "/"). The older form, `certificateAuthorityId` alone, asks for the
 * CA's complete CRL at `crl/<CA id>.crl` (answered for gateways of the previous release).
 */
export interface CrlLocationInput {
  readonly certificateAuthorityId?: string;
  readonly customCname?: string;
  readonly key?: string;
}

export interface CrlLocationOutput {
  /** Null when the CA is unknown or its CrlConfiguration names no CustomCname and S3BucketName. */
  readonly location: {
    /** CrlConfiguration.CustomCname, as configured. */
    readonly customCname: string;
    /** CrlConfiguration.S3BucketName and the CRL's key. */
    readonly bucket: string;
    readonly key: string;
  } | null;
}
