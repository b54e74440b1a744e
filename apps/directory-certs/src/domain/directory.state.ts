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
  readonly networkType: string | null;
  readonly launchTime: Date;
  /** The directory's region; null for directories created before regions (the deployment's default region). */
  readonly region: string | null;
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
    };

export type PresentDirectory = Extract<DirectoryState, { status: 'Present' }>;

export const initialState: DirectoryState = { status: 'Absent' };

/** Certificates that still count (AWS lists, limits and de-duplicates these). */
export function liveCertificates(state: PresentDirectory): RegisteredCertificate[] {
  return Object.values(state.certificates).filter((c) => c.state !== 'Deregistered');
}
