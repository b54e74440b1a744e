/**
 * ACM Private CA contracts shared between the gateway and the services that own the
 * operations: the operation names (the `X-Amz-Target` suffix after `ACMPrivateCA.`) and
 * which service answers each one. Payloads are the AWS request/response shapes as the
 * awsJson1_1 protocol carries them; the gateway validates them before forwarding.
 */
import type { KeyAlgorithm, SigningAlgorithm } from './acm-pca-algorithms';
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
  CsrCreated: 'CsrCreated',
  CertificateAuthorityCreationFailed: 'CertificateAuthorityCreationFailed',
  CertificateImported: 'CertificateImported',
  StatusChanged: 'StatusChanged',
  RevocationConfigurationUpdated: 'RevocationConfigurationUpdated',
  CertificateAuthorityDeleted: 'CertificateAuthorityDeleted',
  CertificateAuthorityRestored: 'CertificateAuthorityRestored',
  CertificateAuthorityPermanentlyDeleted: 'CertificateAuthorityPermanentlyDeleted',
  CertificateAuthorityExpired: 'CertificateAuthorityExpired',
  Tagged: 'Tagged',
  Untagged: 'Untagged',
} as const;

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
export type KeyStorageSecurityStandard = 'FIPS_140_2_LEVEL_2_OR_HIGHER' | 'FIPS_140_2_LEVEL_3_OR_HIGHER' | 'CCPC_LEVEL_1_OR_HIGHER';

/** `CertificateAuthorityCreated` schema version 1: the complete configuration a CA was created with. */
export interface CertificateAuthorityCreatedV1 {
  readonly certificateAuthorityId: string;
  readonly arn: string;
  readonly ownerAccount: string;
  readonly type: CertificateAuthorityType;
  /** The AWS `CertificateAuthorityConfiguration` exactly as accepted (consumers read its two algorithms). */
  readonly configuration: {
    readonly KeyAlgorithm: KeyAlgorithm;
    readonly SigningAlgorithm: SigningAlgorithm;
    readonly [member: string]: unknown;
  };
  /** The AWS `RevocationConfiguration` as accepted (both mechanisms disabled when absent). */
  readonly revocationConfiguration: Record<string, unknown>;
  readonly usageMode: UsageMode;
  readonly keyStorageSecurityStandard: KeyStorageSecurityStandard;
  readonly tags: ReadonlyArray<{ readonly Key: string; readonly Value: string | null }>;
  readonly createdAt: string;
  readonly idempotencyToken: string | null;
}

/** AWS `FailureReason` of a CA whose creation failed. */
export type CertificateAuthorityFailureReason = 'REQUEST_TIMED_OUT' | 'UNSUPPORTED_ALGORITHM' | 'OTHER';

/** A CA tag as events carry it (`Value` null when the tag has none). */
export interface CaTagV1 {
  readonly Key: string;
  readonly Value: string | null;
}

/**
 * Every CA lifecycle event below names the CA (`certificateAuthorityId`, `arn`) and, where the
 * status changes, the `status` it is in afterwards, so a projection never calls back.
 */
interface CaEventBaseV1 {
  readonly certificateAuthorityId: string;
  readonly arn: string;
}

/** `CsrCreated` v1: the CA's key pair exists and its PKCS #10 request is signed; status PENDING_CERTIFICATE. */
export interface CsrCreatedV1 extends CaEventBaseV1 {
  /** The CSR, PEM (`CERTIFICATE REQUEST`). */
  readonly csr: string;
  /** DER SubjectPublicKeyInfo of the CA key, base64. */
  readonly publicKeySpki: string;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly signingAlgorithm: SigningAlgorithm;
  readonly status: 'PENDING_CERTIFICATE';
  readonly createdAt: string;
}

/** `CertificateAuthorityCreationFailed` v1: the key pair or CSR could not be created; status FAILED. */
export interface CertificateAuthorityCreationFailedV1 extends CaEventBaseV1 {
  readonly failureReason: CertificateAuthorityFailureReason;
  /** What went wrong, for operators (never key material). */
  readonly detail: string;
  readonly status: 'FAILED';
  readonly failedAt: string;
}

/** `CertificateImported` v1: a CA certificate (and its chain) was imported; status ACTIVE. */
export interface CertificateImportedV1 extends CaEventBaseV1 {
  /** The CA certificate, PEM. */
  readonly certificate: string;
  /** The chain up to the root (root last), PEM; null for a root CA. */
  readonly certificateChain: string | null;
  /** Certificate serial number, lowercase hex. */
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** RFC 4514 renderings of the certificate's subject and issuer. */
  readonly subject: string;
  readonly issuer: string;
  readonly previousStatus: CertificateAuthorityStatus;
  readonly status: 'ACTIVE';
  readonly importedAt: string;
}

/** `StatusChanged` v1: UpdateCertificateAuthority moved the CA between ACTIVE and DISABLED. */
export interface StatusChangedV1 extends CaEventBaseV1 {
  readonly previousStatus: CertificateAuthorityStatus;
  readonly status: 'ACTIVE' | 'DISABLED';
  readonly changedAt: string;
}

/** `RevocationConfigurationUpdated` v1: the complete RevocationConfiguration now in force. */
export interface RevocationConfigurationUpdatedV1 extends CaEventBaseV1 {
  readonly revocationConfiguration: Record<string, unknown>;
  readonly updatedAt: string;
}

/** `CertificateAuthorityDeleted` v1: the CA is DELETED and restorable until `restorableUntil`. */
export interface CertificateAuthorityDeletedV1 extends CaEventBaseV1 {
  /** The status RestoreCertificateAuthority returns the CA to. */
  readonly previousStatus: CertificateAuthorityStatus;
  readonly permanentDeletionTimeInDays: number;
  readonly restorableUntil: string;
  readonly status: 'DELETED';
  readonly deletedAt: string;
}

/** `CertificateAuthorityRestored` v1: a DELETED CA is back in its pre-deletion status. */
export interface CertificateAuthorityRestoredV1 extends CaEventBaseV1 {
  readonly status: CertificateAuthorityStatus;
  readonly restoredAt: string;
}

/** `CertificateAuthorityPermanentlyDeleted` v1: the restore window passed; the key is destroyed and the CA is gone. */
export interface CertificateAuthorityPermanentlyDeletedV1 extends CaEventBaseV1 {
  readonly deletedAt: string;
  readonly permanentlyDeletedAt: string;
}

/** `CertificateAuthorityExpired` v1: the CA certificate's notAfter passed; status EXPIRED. */
export interface CertificateAuthorityExpiredV1 extends CaEventBaseV1 {
  readonly previousStatus: CertificateAuthorityStatus;
  readonly notAfter: string;
  readonly status: 'EXPIRED';
  readonly expiredAt: string;
}

/** `Tagged` v1: tags added or overwritten (by key), and the CA's complete tag set afterwards. */
export interface TaggedV1 extends CaEventBaseV1 {
  readonly tags: readonly CaTagV1[];
  readonly allTags: readonly CaTagV1[];
  readonly taggedAt: string;
}

/** `Untagged` v1: the tags actually removed, and the CA's complete tag set afterwards. */
export interface UntaggedV1 extends CaEventBaseV1 {
  readonly tags: readonly CaTagV1[];
  readonly allTags: readonly CaTagV1[];
  readonly untaggedAt: string;
}

/**
 * Events of a CA's resource policy (PutPolicy / DeletePolicy), in their own stream per CA
 * (`ca-policy-<id>`, so policy changes never contend with the CA lifecycle stream) and published
 * like every ca-service event; issuance-service projects them to enforce cross-account access.
 * Versioned contracts: a breaking change is a new schemaVersion.
 */
export const POLICY_EVENT_TYPES = {
  PolicyPut: 'PolicyPut',
  PolicyDeleted: 'PolicyDeleted',
} as const;

/** `PolicyPut` v1: the JSON policy document exactly as the caller sent it (GetPolicy returns it byte for byte). */
export interface PolicyPutV1 {
  readonly certificateAuthorityId: string;
  readonly certificateAuthorityArn: string;
  readonly ownerAccount: string;
  readonly policy: string;
  readonly putAt: string;
}

/** `PolicyDeleted` v1: the CA has no resource policy any more. */
export interface PolicyDeletedV1 {
  readonly certificateAuthorityId: string;
  readonly certificateAuthorityArn: string;
  readonly ownerAccount: string;
  readonly deletedAt: string;
}
