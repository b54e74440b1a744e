/**
 * Schemas of ca-service's published events (acm-pca.ts) that other services project:
 * issuance-service and revocation-service keep a view of every CA lifecycle event, and
 * issuance-service of the resource-policy events. Each is annotated with its contract type, so
 * schema and type cannot drift (payload-schema.ts).
 */
import type * as acmPca from './acm-pca';
import { KEY_ALGORITHMS, SIGNING_ALGORITHMS } from './acm-pca-algorithms';
import { array, integer, nullable, object, oneOf, openObject, record, string, timestamp, type Schema } from './payload-schema';

// The AWS enums the payloads carry (the algorithm lists are defined once, acm-pca-algorithms.ts).
// A value missing here or not in the contract's union fails the type check of the annotated schemas below.
const KEY_ALGORITHM = oneOf(KEY_ALGORITHMS);
const SIGNING_ALGORITHM = oneOf(SIGNING_ALGORITHMS);
const CA_STATUSES = oneOf(['CREATING', 'PENDING_CERTIFICATE', 'ACTIVE', 'DELETED', 'DISABLED', 'EXPIRED', 'FAILED']);

/** Every CA lifecycle event names the CA. */
const caIds = { certificateAuthorityId: string(), arn: string() };
const caTags = array(object({ Key: string(), Value: nullable(string()) }));

export const certificateAuthorityCreatedV1: Schema<acmPca.CertificateAuthorityCreatedV1> = object({
  certificateAuthorityId: string(),
  arn: string(),
  ownerAccount: string(),
  type: oneOf(['ROOT', 'SUBORDINATE']),
  // The AWS CertificateAuthorityConfiguration as accepted; consumers read the two algorithms.
  configuration: openObject({ KeyAlgorithm: KEY_ALGORITHM, SigningAlgorithm: SIGNING_ALGORITHM }),
  revocationConfiguration: record(),
  usageMode: oneOf(['GENERAL_PURPOSE', 'SHORT_LIVED_CERTIFICATE']),
  keyStorageSecurityStandard: oneOf(['FIPS_140_2_LEVEL_2_OR_HIGHER', 'FIPS_140_2_LEVEL_3_OR_HIGHER', 'CCPC_LEVEL_1_OR_HIGHER']),
  tags: caTags,
  createdAt: timestamp(),
  idempotencyToken: nullable(string()),
});

export const csrCreatedV1: Schema<acmPca.CsrCreatedV1> = object({
  ...caIds,
  csr: string(),
  publicKeySpki: string(),
  keyAlgorithm: KEY_ALGORITHM,
  signingAlgorithm: SIGNING_ALGORITHM,
  status: oneOf(['PENDING_CERTIFICATE']),
  createdAt: timestamp(),
});

export const certificateAuthorityCreationFailedV1: Schema<acmPca.CertificateAuthorityCreationFailedV1> = object({
  ...caIds,
  failureReason: oneOf(['REQUEST_TIMED_OUT', 'UNSUPPORTED_ALGORITHM', 'OTHER']),
  detail: string(),
  status: oneOf(['FAILED']),
  failedAt: timestamp(),
});

export const certificateImportedV1: Schema<acmPca.CertificateImportedV1> = object({
  ...caIds,
  certificate: string(),
  certificateChain: nullable(string()),
  serial: string(),
  notBefore: timestamp(),
  notAfter: timestamp(),
  subject: string(),
  issuer: string(),
  previousStatus: CA_STATUSES,
  status: oneOf(['ACTIVE']),
  importedAt: timestamp(),
});

export const statusChangedV1: Schema<acmPca.StatusChangedV1> = object({
  ...caIds,
  previousStatus: CA_STATUSES,
  status: oneOf(['ACTIVE', 'DISABLED']),
  changedAt: timestamp(),
});

export const revocationConfigurationUpdatedV1: Schema<acmPca.RevocationConfigurationUpdatedV1> = object({
  ...caIds,
  revocationConfiguration: record(),
  updatedAt: timestamp(),
});

export const certificateAuthorityDeletedV1: Schema<acmPca.CertificateAuthorityDeletedV1> = object({
  ...caIds,
  previousStatus: CA_STATUSES,
  permanentDeletionTimeInDays: integer(),
  restorableUntil: timestamp(),
  status: oneOf(['DELETED']),
  deletedAt: timestamp(),
});

export const certificateAuthorityRestoredV1: Schema<acmPca.CertificateAuthorityRestoredV1> = object({
  ...caIds,
  status: CA_STATUSES,
  restoredAt: timestamp(),
});

export const certificateAuthorityPermanentlyDeletedV1: Schema<acmPca.CertificateAuthorityPermanentlyDeletedV1> = object({
  ...caIds,
  deletedAt: timestamp(),
  permanentlyDeletedAt: timestamp(),
});

export const certificateAuthorityExpiredV1: Schema<acmPca.CertificateAuthorityExpiredV1> = object({
  ...caIds,
  previousStatus: CA_STATUSES,
  notAfter: timestamp(),
  status: oneOf(['EXPIRED']),
  expiredAt: timestamp(),
});

export const taggedV1: Schema<acmPca.TaggedV1> = object({ ...caIds, tags: caTags, allTags: caTags, taggedAt: timestamp() });

export const untaggedV1: Schema<acmPca.UntaggedV1> = object({ ...caIds, tags: caTags, allTags: caTags, untaggedAt: timestamp() });

const policyIds = { certificateAuthorityId: string(), certificateAuthorityArn: string(), ownerAccount: string() };

export const policyPutV1: Schema<acmPca.PolicyPutV1> = object({ ...policyIds, policy: string(), putAt: timestamp() });

export const policyDeletedV1: Schema<acmPca.PolicyDeletedV1> = object({ ...policyIds, deletedAt: timestamp() });
