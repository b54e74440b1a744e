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
} as const;

/** Stream of one directory, e.g. `directory-d-0123456789`. */
export function directoryStream(directoryId: string): string {
  return `directory-${directoryId}`;
}

/** AWS `DirectoryType` values this platform creates. */
export type DirectoryKind = 'SimpleAD' | 'MicrosoftAD';
/** AWS `CertificateType`. */
export type DirectoryCertificateType = 'ClientCertAuth' | 'ClientLDAPS';
/** AWS `ClientAuthenticationType`. */
export type ClientAuthenticationType = 'SmartCard' | 'SmartCardOrPassword';

/** `DirectoryRequested` v1: CreateDirectory (Simple AD) or CreateMicrosoftAD accepted; Stage Requested. */
export interface DirectoryRequestedV1 {
  readonly directoryId: string;
  readonly accountId: string;
  readonly directoryType: DirectoryKind;
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
