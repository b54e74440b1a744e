import type {
  CA_EVENT_TYPES,
  CertificateAuthorityCreatedV1,
  CertificateAuthorityCreationFailedV1,
  CertificateAuthorityDeletedV1,
  CertificateAuthorityExpiredV1,
  CertificateAuthorityPermanentlyDeletedV1,
  CertificateAuthorityRestoredV1,
  CertificateImportedV1,
  CsrCreatedV1,
  RevocationConfigurationUpdatedV1,
  StatusChangedV1,
  TaggedV1,
  UntaggedV1,
} from '@pki/contracts';

/** One versioned event of the CertificateAuthority aggregate (contracts live in libs/contracts). */
type CaEvent<K extends keyof typeof CA_EVENT_TYPES, D> = {
  readonly type: (typeof CA_EVENT_TYPES)[K];
  readonly schemaVersion: 1;
  readonly data: D;
};

export type CertificateAuthorityCreated = CaEvent<'CertificateAuthorityCreated', CertificateAuthorityCreatedV1>;
export type CsrCreated = CaEvent<'CsrCreated', CsrCreatedV1>;
export type CertificateAuthorityCreationFailed = CaEvent<'CertificateAuthorityCreationFailed', CertificateAuthorityCreationFailedV1>;
export type CertificateImported = CaEvent<'CertificateImported', CertificateImportedV1>;
export type StatusChanged = CaEvent<'StatusChanged', StatusChangedV1>;
export type RevocationConfigurationUpdated = CaEvent<'RevocationConfigurationUpdated', RevocationConfigurationUpdatedV1>;
export type CertificateAuthorityDeleted = CaEvent<'CertificateAuthorityDeleted', CertificateAuthorityDeletedV1>;
export type CertificateAuthorityRestored = CaEvent<'CertificateAuthorityRestored', CertificateAuthorityRestoredV1>;
export type CertificateAuthorityPermanentlyDeleted = CaEvent<'CertificateAuthorityPermanentlyDeleted', CertificateAuthorityPermanentlyDeletedV1>;
export type CertificateAuthorityExpired = CaEvent<'CertificateAuthorityExpired', CertificateAuthorityExpiredV1>;
export type Tagged = CaEvent<'Tagged', TaggedV1>;
export type Untagged = CaEvent<'Untagged', UntaggedV1>;

export type CertificateAuthorityEvent =
  | CertificateAuthorityCreated
  | CsrCreated
  | CertificateAuthorityCreationFailed
  | CertificateImported
  | StatusChanged
  | RevocationConfigurationUpdated
  | CertificateAuthorityDeleted
  | CertificateAuthorityRestored
  | CertificateAuthorityPermanentlyDeleted
  | CertificateAuthorityExpired
  | Tagged
  | Untagged;

/** Stream name of one CA's events. */
export const caStream = (certificateAuthorityId: string): string => `ca-${certificateAuthorityId}`;
