import type { ClientAuthenticationType, DirectoryCertificateType, DirectoryKind } from '@pki/contracts';

/** AWS `DirectoryStage` values this platform goes through. */
export type DirectoryStage = 'Requested' | 'Creating' | 'Active' | 'Deleting' | 'Deleted';
/** AWS `CertificateState`. */
export type CertificateState = 'Registering' | 'Registered' | 'RegisterFailed' | 'Deregistering' | 'Deregistered' | 'DeregisterFailed';

export interface RegisteredCertificate {
  readonly certificateId: string;
  readonly type: DirectoryCertificateType;
  readonly state: CertificateState;
  readonly stateReason: string | null;
  readonly commonName: string;
  readonly sha256Fingerprint: string;
  readonly certificatePem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly ocspUrl: string | null;
  readonly registeredAt: Date;
  readonly stateChangedAt: Date;
}

export interface SettingStatus {
  readonly enabled: boolean;
  /** Last Enable/Disable; null while never changed. */
  readonly lastUpdated: Date | null;
}

export interface DirectoryFacts {
  readonly directoryId: string;
  readonly accountId: string;
  readonly directoryType: DirectoryKind;
  readonly name: string;
  readonly shortName: string;
  readonly description: string | null;
  readonly size: string | null;
  readonly edition: string | null;
  readonly vpcSettings: { readonly vpcId: string; readonly subnetIds: readonly string[] } | null;
  /** AD Connector only (ConnectDirectory ConnectSettings); null for Simple AD and Microsoft AD. */
  readonly connectSettings: { readonly customerDnsIps: readonly string[]; readonly customerUserName: string } | null;
  readonly networkType: string | null;
  readonly launchTime: Date;
  /** The directory's region; null for directories created before regions (the deployment's default region). */
  readonly region: string | null;
}

/** A directory setting UpdateSettings changed (AWS `SettingEntry`); settings never changed keep their default. */
export interface RequestedSetting {
  readonly value: string;
  readonly requestedAt: Date;
  readonly updatedAt: Date;
}

export type DirectoryState =
  | { readonly status: 'Absent' }
  | {
      readonly status: 'Present';
      readonly facts: DirectoryFacts;
      readonly stage: DirectoryStage;
      readonly stageLastUpdated: Date;
      /** By certificate id, in registration order. */
      readonly certificates: Readonly<Record<string, RegisteredCertificate>>;
      readonly ldaps: SettingStatus;
      readonly clientAuthentication: Readonly<Record<ClientAuthenticationType, SettingStatus>>;
      /** Tag key -> value, in the order the keys were first added (ListTagsForResource's order). */
      readonly tags: Readonly<Record<string, string>>;
      /** By setting name (e.g. TLS_1_0): the settings UpdateSettings changed. */
      readonly settings: Readonly<Record<string, RequestedSetting>>;
    };

export type PresentDirectory = Extract<DirectoryState, { status: 'Present' }>;

export const initialState: DirectoryState = { status: 'Absent' };

/** Certificates that still count (AWS lists, limits and de-duplicates these). */
export function liveCertificates(state: PresentDirectory): RegisteredCertificate[] {
  return Object.values(state.certificates).filter((c) => c.state !== 'Deregistered');
}
