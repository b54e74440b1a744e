/**
 * ACM Private CA contracts shared between the gateway and the services that own the
 * operations: the operation names (the `X-Amz-Target` suffix after `ACMPrivateCA.`) and
 * which service answers each one. Payloads are the AWS request/response shapes as the
 * awsJson1_1 protocol carries them; the gateway validates them before forwarding.
 */
import type { ServiceName } from './subjects';

export const ACM_PCA_TARGET_PREFIX = 'ACMPrivateCA';

/** Every operation of the acm-pca API (the seed lists 23) and the service that owns it. */
export const ACM_PCA_OPERATIONS: Readonly<Record<string, ServiceName>> = {
  CreateCertificateAuthority: 'ca',
  CreateCertificateAuthorityAuditReport: 'ca',
  CreatePermission: 'ca',
  DeleteCertificateAuthority: 'ca',
  DeletePermission: 'ca',
  DeletePolicy: 'ca',
  DescribeCertificateAuthority: 'ca',
  DescribeCertificateAuthorityAuditReport: 'ca',
  GetCertificate: 'issuance',
  GetCertificateAuthorityCertificate: 'ca',
  GetCertificateAuthorityCsr: 'ca',
  GetPolicy: 'ca',
  ImportCertificateAuthorityCertificate: 'ca',
  IssueCertificate: 'issuance',
  ListCertificateAuthorities: 'ca',
  ListPermissions: 'ca',
  ListTags: 'ca',
  PutPolicy: 'ca',
  RestoreCertificateAuthority: 'ca',
  RevokeCertificate: 'revocation',
  TagCertificateAuthority: 'ca',
  UntagCertificateAuthority: 'ca',
  UpdateCertificateAuthority: 'ca',
};

/** Event types ca-service publishes (schema version in each payload contract below). */
export const CA_EVENT_TYPES = {
  CertificateAuthorityCreated: 'CertificateAuthorityCreated',
} as const;

export type KeyAlgorithm = 'RSA_2048' | 'RSA_4096' | 'EC_prime256v1' | 'EC_secp384r1';
export type SigningAlgorithm =
  | 'SHA256WITHECDSA'
  | 'SHA384WITHECDSA'
  | 'SHA512WITHECDSA'
  | 'SHA256WITHRSA'
  | 'SHA384WITHRSA'
  | 'SHA512WITHRSA';
export type CertificateAuthorityType = 'ROOT' | 'SUBORDINATE';
export type CertificateAuthorityStatus =
  | 'CREATING'
  | 'PENDING_CERTIFICATE'
  | 'ACTIVE'
  | 'DELETED'
  | 'DISABLED'
  | 'EXPIRED'
  | 'FAILED';
export type UsageMode = 'GENERAL_PURPOSE' | 'SHORT_LIVED_CERTIFICATE';
export type KeyStorageSecurityStandard = 'FIPS_140_2_LEVEL_2_OR_HIGHER' | 'FIPS_140_2_LEVEL_3_OR_HIGHER';

/** `CertificateAuthorityCreated` schema version 1: the complete configuration a CA was created with. */
export interface CertificateAuthorityCreatedV1 {
  readonly certificateAuthorityId: string;
  readonly arn: string;
  readonly ownerAccount: string;
  readonly type: CertificateAuthorityType;
  /** The AWS `CertificateAuthorityConfiguration` exactly as accepted. */
  readonly configuration: Record<string, unknown>;
  /** The AWS `RevocationConfiguration` as accepted (both mechanisms disabled when absent). */
  readonly revocationConfiguration: Record<string, unknown>;
  readonly usageMode: UsageMode;
  readonly keyStorageSecurityStandard: KeyStorageSecurityStandard;
  readonly tags: ReadonlyArray<{ readonly Key: string; readonly Value: string | null }>;
  readonly createdAt: string;
  readonly idempotencyToken: string | null;
}
