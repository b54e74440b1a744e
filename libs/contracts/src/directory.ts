/**
 * directory-certs' event payloads: the Directory aggregate of AWS Directory Service
 * (`DirectoryService_20150416`), one stream per directory holding its metadata, its registered
 * certificates and its client-authentication settings (so the per-directory certificate limit,
 * duplicate detection and "last certificate in use" rules are decided on one consistent state).
 *
 * Events never carry the administrator password (CreateDirectory / CreateMicrosoftAD `Password`
 * is validated and dropped). Certificates are public data and are kept, PEM, for the record.
 */

export const DIRECTORY_EVENT_TYPES = {
  DirectoryRequested: 'DirectoryRequested',
  DirectoryCreationStarted: 'DirectoryCreationStarted',
  DirectoryActivated: 'DirectoryActivated',
  DirectoryDeletionRequested: 'DirectoryDeletionRequested',
  DirectoryDeleted: 'DirectoryDeleted',
  DirectoryCertificateRegistrationRequested: 'DirectoryCertificateRegistrationRequested',
  DirectoryCertificateRegistered: 'DirectoryCertificateRegistered',
  DirectoryCertificateRegistrationFailed: 'DirectoryCertificateRegistrationFailed',
  DirectoryCertificateDeregistrationRequested: 'DirectoryCertificateDeregistrationRequested',
  DirectoryCertificateDeregistered: 'DirectoryCertificateDeregistered',
  LdapsEnabled: 'LdapsEnabled',
  LdapsDisabled: 'LdapsDisabled',
  ClientAuthenticationEnabled: 'ClientAuthenticationEnabled',
  ClientAuthenticationDisabled: 'ClientAuthenticationDisabled',
  AdConnectorRequested: 'AdConnectorRequested',
  DirectoryTagsAdded: 'DirectoryTagsAdded',
  DirectoryTagsRemoved: 'DirectoryTagsRemoved',
  DirectorySettingsUpdated: 'DirectorySettingsUpdated',
} as const;

/** Stream of one directory, e.g. `directory-d-0123456789`. */
export function directoryStream(directoryId: string): string {
  return `directory-${directoryId}`;
}

/** AWS `DirectoryType` values this platform creates (ADConnector: ConnectDirectory). */
export type DirectoryKind = 'SimpleAD' | 'MicrosoftAD' | 'ADConnector';
/** The directories AWS runs itself (CreateDirectory, CreateMicrosoftAD), as opposed to an AD Connector. */
export type CloudDirectoryKind = Exclude<DirectoryKind, 'ADConnector'>;
/** AWS `CertificateType`. */
export type DirectoryCertificateType = 'ClientCertAuth' | 'ClientLDAPS';
/** AWS `ClientAuthenticationType`. */
export type ClientAuthenticationType = 'SmartCard' | 'SmartCardOrPassword';

/** `DirectoryRequested` v1: CreateDirectory (Simple AD) or CreateMicrosoftAD accepted; Stage Requested. */
export interface DirectoryRequestedV1 {
  readonly directoryId: string;
  readonly accountId: string;
  readonly directoryType: CloudDirectoryKind;
  readonly name: string;
  readonly shortName: string;
  readonly description: string | null;
  /** `Small` | `Large` for Simple AD; null for Microsoft AD. */
  readonly size: string | null;
  /** `Standard` | `Enterprise` | `Hybrid` for Microsoft AD; null for Simple AD. */
  readonly edition: string | null;
  readonly vpcSettings: { readonly vpcId: string; readonly subnetIds: readonly string[] } | null;
  readonly networkType: string | null;
  readonly tags: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  readonly requestedAt: string;
  /**
   * The directory's region (the caller's at CreateDirectory / CreateMicrosoftAD, one of
   * PKI_REGIONS). Optional: events recorded before regions carry none and are of the deployment's
   * default region (PKI_REGION).
   */
  readonly region?: string;
}

/** Stage changes of the directory's (simulated) provisioning and deletion. */
export interface DirectoryStageChangedV1 {
  readonly directoryId: string;
  readonly at: string;
  /**
   * The directory's region (the caller's at CreateDirectory / CreateMicrosoftAD, one of
   * PKI_REGIONS). Optional: events recorded before regions carry none and are of the deployment's
   * default region (PKI_REGION).
   */
  readonly region?: string;
}

/** `DirectoryCertificateRegistrationRequested` v1: RegisterCertificate accepted; State Registering. */
export interface DirectoryCertificateRegistrationRequestedV1 {
  readonly directoryId: string;
  readonly certificateId: string;
  readonly certificateType: DirectoryCertificateType;
  /** The certificate as registered, PEM (public data). */
  readonly certificatePem: string;
  /** SHA-256 of the DER, lowercase hex (matches CertificateRevokedV1.sha256Fingerprint). */
  readonly sha256Fingerprint: string;
  readonly commonName: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** ClientCertAuthSettings.OCSPUrl; null for ClientLDAPS. */
  readonly ocspUrl: string | null;
  readonly requestedAt: string;
  /**
   * The directory's region (the caller's at CreateDirectory / CreateMicrosoftAD, one of
   * PKI_REGIONS). Optional: events recorded before regions carry none and are of the deployment's
   * default region (PKI_REGION).
   */
  readonly region?: string;
}

export interface DirectoryCertificateStateChangedV1 {
  readonly directoryId: string;
  readonly certificateId: string;
  readonly at: string;
  /**
   * The directory's region (the caller's at CreateDirectory / CreateMicrosoftAD, one of
   * PKI_REGIONS). Optional: events recorded before regions carry none and are of the deployment's
   * default region (PKI_REGION).
   */
  readonly region?: string;
}

export interface DirectoryCertificateRegistrationFailedV1 extends DirectoryCertificateStateChangedV1 {
  /** Why, as DescribeCertificate's StateReason shows it. */
  readonly reason: string;
}

export interface LdapsSettingChangedV1 {
  readonly directoryId: string;
  readonly ldapsType: 'Client';
  readonly at: string;
  /**
   * The directory's region (the caller's at CreateDirectory / CreateMicrosoftAD, one of
   * PKI_REGIONS). Optional: events recorded before regions carry none and are of the deployment's
   * default region (PKI_REGION).
   */
  readonly region?: string;
}

export interface ClientAuthenticationSettingChangedV1 {
  readonly directoryId: string;
  readonly clientAuthenticationType: ClientAuthenticationType;
  readonly at: string;
  /**
   * The directory's region (the caller's at CreateDirectory / CreateMicrosoftAD, one of
   * PKI_REGIONS). Optional: events recorded before regions carry none and are of the deployment's
   * default region (PKI_REGION).
   */
  readonly region?: string;
}

/**
 * `AdConnectorRequested` v1: ConnectDirectory accepted (an AD Connector to a self-managed
 * directory); Stage Requested. The service account's password is validated and dropped.
 */
export interface AdConnectorRequestedV1 {
  readonly directoryId: string;
  readonly accountId: string;
  readonly name: string;
  readonly shortName: string;
  readonly description: string | null;
  /** `Small` | `Large`. */
  readonly size: string;
  readonly connectSettings: {
    readonly vpcId: string;
    readonly subnetIds: readonly string[];
    readonly customerDnsIps: readonly string[];
    readonly customerUserName: string;
  };
  readonly networkType: string | null;
  readonly tags: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  readonly requestedAt: string;
  /** The directory's region (the caller's at ConnectDirectory); see DirectoryRequestedV1.region. */
  readonly region?: string;
}

/** `DirectoryTagsAdded` v1: AddTagsToResource; a tag whose key exists gets the new value. */
export interface DirectoryTagsAddedV1 {
  readonly directoryId: string;
  readonly tags: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  readonly at: string;
  /** The directory's region; see DirectoryRequestedV1.region. */
  readonly region?: string;
}

/** `DirectoryTagsRemoved` v1: RemoveTagsFromResource; only keys the directory had. */
export interface DirectoryTagsRemovedV1 {
  readonly directoryId: string;
  readonly tagKeys: readonly string[];
  readonly at: string;
  /** The directory's region; see DirectoryRequestedV1.region. */
  readonly region?: string;
}

/** `DirectorySettingsUpdated` v1: UpdateSettings applied (AWS `SettingEntry` names and values, e.g. TLS_1_0 = Disable). */
export interface DirectorySettingsUpdatedV1 {
  readonly directoryId: string;
  readonly settings: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly at: string;
  /** The directory's region; see DirectoryRequestedV1.region. */
  readonly region?: string;
}
