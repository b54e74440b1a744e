import type { PresentDirectory, RegisteredCertificate } from './directory.state';

const epochSeconds = (date: Date): number => date.getTime() / 1000;

/** AWS `DirectoryDescription` (awsJson1_1: timestamps as epoch seconds); absent members left out. */
export function toDirectoryDescription(state: PresentDirectory): Record<string, unknown> {
  const f = state.facts;
  const view: Record<string, unknown> = {
    DirectoryId: f.directoryId,
    Name: f.name,
    ShortName: f.shortName,
    // Alias and access URL default to the directory id until CreateAlias (AWS's behaviour).
    Alias: f.directoryId,
    AccessUrl: `${f.directoryId}.awsapps.com`,
    Stage: state.stage,
    LaunchTime: epochSeconds(f.launchTime),
    StageLastUpdatedDateTime: epochSeconds(state.stageLastUpdated),
    Type: f.directoryType,
    SsoEnabled: false,
  };
  if (f.size !== null) view.Size = f.size;
  if (f.edition !== null) view.Edition = f.edition;
  if (f.description !== null) view.Description = f.description;
  if (f.directoryType === 'MicrosoftAD') view.DesiredNumberOfDomainControllers = 2;
  if (f.connectSettings && f.vpcSettings) {
    // AD Connector: DirectoryDescription.ConnectSettings (DirectoryConnectSettingsDescription) and the customer's DNS servers.
    view.ConnectSettings = { VpcId: f.vpcSettings.vpcId, SubnetIds: [...f.vpcSettings.subnetIds], CustomerUserName: f.connectSettings.customerUserName };
    view.DnsIpAddrs = [...f.connectSettings.customerDnsIps];
  } else if (f.vpcSettings) {
    view.VpcSettings = { VpcId: f.vpcSettings.vpcId, SubnetIds: [...f.vpcSettings.subnetIds] };
  }
  if (f.networkType !== null) view.NetworkType = f.networkType;
  return view;
}

/** What the revocation projection recorded about a registered certificate. */
export interface RevocationMark {
  readonly revokedAt: Date;
  readonly revocationReason: string;
  readonly certificateArn: string;
}

/**
 * DescribeCertificate's StateReason: the state's own reason (RegisterFailed), and a revocation
 * by this platform's private CA when one was seen for the certificate.
 */
export function certificateStateReason(stateReason: string | null, revocation: RevocationMark | null): string | null {
  if (!revocation) return stateReason;
  const revoked = `The certificate was revoked by its issuing CA (${revocation.certificateArn}) on ${revocation.revokedAt.toISOString()} with reason ${revocation.revocationReason}; deregister it and register a replacement.`;
  return stateReason ? `${stateReason} ${revoked}` : revoked;
}

/** Default StateReason of each state when nothing more specific is known. */
export function defaultStateReason(certificate: Pick<RegisteredCertificate, 'state' | 'stateReason'>): string | null {
  if (certificate.stateReason) return certificate.stateReason;
  switch (certificate.state) {
    case 'Registering':
      return 'The certificate is being registered with the directory.';
    case 'Registered':
      return 'The certificate is registered.';
    case 'Deregistering':
      return 'The certificate is being deregistered from the directory.';
    case 'Deregistered':
      return 'The certificate was deregistered.';
    default:
      return null;
  }
}
