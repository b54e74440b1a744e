/**
 * Schemas of the certificate events other services project (certificates.ts): issuance-service's
 * CertificateIssued (revocation-service, ca-service's audit records, IoT auto-registration) and
 * revocation-service's CertificateRevoked (audit records, IoT, Directory Service). Each is
 * annotated with its contract type, so schema and type cannot drift (payload-schema.ts).
 */
import { type CertificateIssuedV1, type CertificateRevokedV1 } from './certificates';
import { REVOCATION_REASONS } from './revocation-reasons';
import { nullable, object, oneOf, optional, string, timestamp, type Schema } from './payload-schema';

export const certificateIssuedV1: Schema<CertificateIssuedV1> = object({
  certificateArn: string(),
  certificateAuthorityArn: string(),
  certificateAuthorityId: string(),
  serial: string(),
  subject: string(),
  issuerDn: string(),
  notBefore: timestamp(),
  notAfter: timestamp(),
  issuedAt: timestamp(),
  templateArn: string(),
  certificateDer: string(),
  sha256Fingerprint: string(),
  accountId: string(),
  requestedByServicePrincipal: nullable(string()),
  crlPartition: optional(object({ id: string(), bucket: string(), key: string(), url: string() })),
});

export const certificateRevokedV1: Schema<CertificateRevokedV1> = object({
  certificateArn: string(),
  certificateAuthorityArn: string(),
  certificateAuthorityId: string(),
  serial: string(),
  issuerDn: string(),
  sha256Fingerprint: string(),
  revocationReason: oneOf(REVOCATION_REASONS),
  revokedAt: timestamp(),
  accountId: string(),
});
