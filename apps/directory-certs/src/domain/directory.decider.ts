import { DIRECTORY_EVENT_TYPES as T, DomainError, type ClientAuthenticationType, type CloudDirectoryKind, type DirectoryCertificateType, type DirectoryKind } from '@pki/contracts';
import { AD_CONNECTOR_LIMIT, connectDirectory, type ConnectDirectoryCommand } from './ad-connector';
import type { CertificateFacts } from './certificate-data';
import { decideSettings, type SettingsCommand } from './directory-settings';
import { checkCreationTags, decideTags, type TagCommand } from './directory-tags';
import { accessDirectory, requireActive, requireCertificateSupport } from './directory-access';
import { checkAdministratorPassword } from './directory-password';
import { event, type DirectoryEvent } from './directory.events';
import { liveCertificates, type DirectoryStage, type DirectoryState, type PresentDirectory, type RegisteredCertificate } from './directory.state';

export { initialState } from './directory.state';

/**
 * AWS's documented quotas (AWS Directory Service Administration Guide, "Directory Service quotas"):
 * 10 Simple AD, 20 AWS Managed Microsoft AD and 10 AD Connector directories per account and
 * Region (GetDirectoryLimits CloudOnlyDirectoriesLimit / CloudOnlyMicrosoftADLimit / ConnectedDirectoriesLimit).
 */
export const DIRECTORY_LIMITS: Record<DirectoryKind, number> = { SimpleAD: 10, MicrosoftAD: 20, ADConnector: AD_CONNECTOR_LIMIT };

/**
 * "A maximum of five (5) CA certificates can be stored per directory" (Directory Service
 * Administration Guide, client-side LDAPS CA certificate requirements).
 */
export const CERTIFICATE_LIMIT_PER_DIRECTORY = 5;

/** "To register a certificate, it must be more than 90 days away from expiration" (same page). */
export const MIN_REMAINING_VALIDITY_MS = 90 * 24 * 60 * 60 * 1000;

export interface CreateDirectoryInput {
  readonly Name: string;
  readonly ShortName?: string;
  readonly Password: string;
  readonly Description?: string;
  readonly Size?: string;
  readonly Edition?: string;
  readonly VpcSettings?: { readonly VpcId: string; readonly SubnetIds: readonly string[] };
  readonly Tags?: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
  readonly NetworkType?: string;
}

export type DirectoryCommand =
  | {
      readonly type: 'CreateDirectory';
      readonly directoryId: string;
      readonly accountId: string;
      readonly directoryType: CloudDirectoryKind;
      readonly input: CreateDirectoryInput;
      /** The account's directories of this type in the region that are not Deleted (read model). */
      readonly existingDirectories: number;
      /** The caller's region, where the directory is created (absent: the default region). */
      readonly region?: string;
      readonly now: Date;
    }
  /** The provisioning worker's step from `from` to the next stage; nothing when the stage moved on. */
  | { readonly type: 'AdvanceStage'; readonly from: DirectoryStage; readonly now: Date }
  | { readonly type: 'DeleteDirectory'; readonly directoryId: string; readonly accountId: string; readonly now: Date }
  | {
      readonly type: 'RegisterCertificate';
      readonly directoryId: string;
      readonly accountId: string;
      readonly certificateId: string;
      readonly certificateType: DirectoryCertificateType;
      readonly certificate: CertificateFacts;
      readonly clientCertAuthSettings: { readonly OCSPUrl?: string } | undefined;
      readonly now: Date;
    }
  /** The registration worker's outcome: `problem` null -> Registered, else RegisterFailed with it as StateReason. */
  | { readonly type: 'CompleteRegistration'; readonly certificateId: string; readonly problem: string | null; readonly now: Date }
  | { readonly type: 'CompleteDeregistration'; readonly certificateId: string; readonly now: Date }
  | { readonly type: 'DeregisterCertificate'; readonly directoryId: string; readonly accountId: string; readonly certificateId: string; readonly now: Date }
  | { readonly type: 'EnableLDAPS' | 'DisableLDAPS'; readonly directoryId: string; readonly accountId: string; readonly now: Date }
  | {
      readonly type: 'EnableClientAuthentication' | 'DisableClientAuthentication';
      readonly directoryId: string;
      readonly accountId: string;
      readonly clientAuthenticationType: ClientAuthenticationType;
      readonly now: Date;
    }
  | ConnectDirectoryCommand
  | TagCommand
  | SettingsCommand;

const invalidParameter = (message: string) => new DomainError('Malformed', message, 'InvalidParameterException');

/**
 * Every event names the directory's region when it has one (optional members: public events are
 * in the region of the directory they are about; events of directories created before regions
 * carry none, and are of the default region).
 */
export function decide(command: DirectoryCommand, state: DirectoryState): DirectoryEvent[] {
  const events = decideEvents(command, state);
  const region = state.status === 'Present' ? state.facts.region : command.type === 'CreateDirectory' || command.type === 'ConnectDirectory' ? (command.region ?? null) : null;
  return region === null ? events : events.map((e) => ({ ...e, data: { ...e.data, region } }) as DirectoryEvent);
}

function decideEvents(command: DirectoryCommand, state: DirectoryState): DirectoryEvent[] {
  switch (command.type) {
    case 'CreateDirectory':
      return createDirectory(command, state);
    case 'AdvanceStage':
      return advanceStage(command, state);
    case 'DeleteDirectory':
      return deleteDirectory(command, state);
    case 'RegisterCertificate':
      return registerCertificate(command, state);
    case 'CompleteRegistration':
      return completeRegistration(command, state);
    case 'CompleteDeregistration':
      return completeDeregistration(command, state);
    case 'DeregisterCertificate':
      return deregisterCertificate(command, state);
    case 'EnableLDAPS':
    case 'DisableLDAPS':
      return changeLdaps(command, state);
    case 'EnableClientAuthentication':
    case 'DisableClientAuthentication':
      return changeClientAuthentication(command, state);
    case 'ConnectDirectory':
      return connectDirectory(command, state);
    case 'AddTags':
    case 'RemoveTags':
      return decideTags(command, state);
    case 'UpdateSettings':
      return decideSettings(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

function createDirectory(command: Extract<DirectoryCommand, { type: 'CreateDirectory' }>, state: DirectoryState): DirectoryEvent[] {
  if (state.status !== 'Absent') throw new Error(`directory ${command.directoryId} already exists (id collision)`);
  const { input, directoryType } = command;
  checkAdministratorPassword(input.Password, directoryType);
  if (directoryType === 'SimpleAD' && input.Size === undefined) throw invalidParameter('Size is required for a Simple AD directory (Small or Large).');
  if (directoryType === 'MicrosoftAD' && input.Edition === 'Hybrid') {
    throw new DomainError('NotImplemented', 'The Hybrid edition extends a self-managed Active Directory (CreateHybridAD); this platform creates Standard and Enterprise editions only.', 'UnsupportedOperationException');
  }
  // CreateDirectory's model leaves VpcSettings optional, but AWS creates every directory in a VPC and refuses a request without one.
  if (!input.VpcSettings) throw invalidParameter('VpcSettings is required: name the VPC and the two subnets (in different Availability Zones) of the directory.');
  const subnets = input.VpcSettings.SubnetIds;
  if (subnets.length !== 2 || subnets[0] === subnets[1]) {
    // DirectoryVpcSettings.SubnetIds: "The two subnets must be in different Availability Zones."
    throw invalidParameter(`VpcSettings.SubnetIds must name exactly two different subnets (in different Availability Zones); got ${subnets.length}.`);
  }
  const tags = input.Tags ?? [];
  checkCreationTags(tags);
  const limit = DIRECTORY_LIMITS[directoryType];
  if (command.existingDirectories >= limit) {
    throw new DomainError(
      'LimitExceeded',
      `The account already has ${command.existingDirectories} ${directoryType === 'SimpleAD' ? 'Simple AD' : 'AWS Managed Microsoft AD'} directories in this Region, the limit (${limit}); delete one first (GetDirectoryLimits).`,
      'DirectoryLimitExceededException',
    );
  }
  return [
    event(T.DirectoryRequested, {
      directoryId: command.directoryId,
      accountId: command.accountId,
      directoryType,
      name: input.Name,
      // ShortName: "If you don't specify a NetBIOS name, it will default to the first part of your directory DNS."
      shortName: input.ShortName ?? input.Name.split('.')[0]!.toUpperCase().slice(0, 15),
      description: input.Description ?? null,
      size: directoryType === 'SimpleAD' ? (input.Size ?? null) : null,
      // CreateMicrosoftAD Edition: "Enterprise is the default."
      edition: directoryType === 'MicrosoftAD' ? (input.Edition ?? 'Enterprise') : null,
      vpcSettings: { vpcId: input.VpcSettings.VpcId, subnetIds: [...subnets] },
      networkType: input.NetworkType ?? null,
      tags: tags.map((t) => ({ key: t.Key, value: t.Value })),
      requestedAt: command.now.toISOString(),
    }),
  ];
}

/** Requested -> Creating -> Active, and Deleting -> Deleted: the (simulated) provisioning of domain controllers. */
function advanceStage(command: Extract<DirectoryCommand, { type: 'AdvanceStage' }>, state: DirectoryState): DirectoryEvent[] {
  if (state.status !== 'Present' || state.stage !== command.from) return [];
  const data = { directoryId: state.facts.directoryId, at: command.now.toISOString() };
  switch (state.stage) {
    case 'Requested':
      return [event(T.DirectoryCreationStarted, data)];
    case 'Creating':
      return [event(T.DirectoryActivated, data)];
    case 'Deleting':
      return [event(T.DirectoryDeleted, data)];
    case 'Active':
    case 'Deleted':
      return [];
    default: {
      const _exhaustive: never = state.stage;
      throw new Error(`unknown stage ${String(_exhaustive)}`);
    }
  }
}

function deleteDirectory(command: Extract<DirectoryCommand, { type: 'DeleteDirectory' }>, state: DirectoryState): DirectoryEvent[] {
  const directory = accessDirectory(state, command.directoryId, command.accountId, 'EntityDoesNotExistException');
  if (directory.stage === 'Deleting') {
    throw new DomainError('InvalidState', `Directory ${command.directoryId} is already being deleted.`, 'ClientException');
  }
  return [event(T.DirectoryDeletionRequested, { directoryId: command.directoryId, at: command.now.toISOString() })];
}

function registerCertificate(command: Extract<DirectoryCommand, { type: 'RegisterCertificate' }>, state: DirectoryState): DirectoryEvent[] {
  const directory = accessDirectory(state, command.directoryId, command.accountId, 'DirectoryDoesNotExistException');
  requireCertificateSupport(directory);
  requireActive(directory);
  const { certificate, now } = command;
  const invalidCertificate = (message: string) => new DomainError('Malformed', message, 'InvalidCertificateException');
  if (certificate.notBefore.getTime() > now.getTime()) {
    throw invalidCertificate(`The certificate is not yet valid: its validity starts ${certificate.notBefore.toISOString()}.`);
  }
  if (certificate.notAfter.getTime() <= now.getTime()) {
    throw invalidCertificate(`The certificate expired ${certificate.notAfter.toISOString()}.`);
  }
  if (certificate.notAfter.getTime() - now.getTime() <= MIN_REMAINING_VALIDITY_MS) {
    throw invalidCertificate(`The certificate expires ${certificate.notAfter.toISOString()}; a registered certificate must be more than 90 days away from expiration.`);
  }
  if (certificate.rsassaPss) throw invalidCertificate('Certificates signed with the RSASSA-PSS signature algorithm are not supported.');
  const ocspUrl = checkClientCertAuthSettings(command.certificateType, command.clientCertAuthSettings);
  const live = liveCertificates(directory);
  if (live.some((c) => c.sha256Fingerprint === certificate.sha256Fingerprint)) {
    const existing = live.find((c) => c.sha256Fingerprint === certificate.sha256Fingerprint)!;
    throw new DomainError('Conflict', `This certificate is already registered with directory ${command.directoryId} as ${existing.certificateId}.`, 'CertificateAlreadyExistsException');
  }
  if (live.length >= CERTIFICATE_LIMIT_PER_DIRECTORY) {
    throw new DomainError(
      'LimitExceeded',
      `Directory ${command.directoryId} already has ${live.length} certificates, the limit (${CERTIFICATE_LIMIT_PER_DIRECTORY}); deregister one first.`,
      'CertificateLimitExceededException',
    );
  }
  if (directory.certificates[command.certificateId]) throw new Error(`certificate id ${command.certificateId} collides`);
  return [
    event(T.DirectoryCertificateRegistrationRequested, {
      directoryId: command.directoryId,
      certificateId: command.certificateId,
      certificateType: command.certificateType,
      certificatePem: certificate.certificatePem,
      sha256Fingerprint: certificate.sha256Fingerprint,
      commonName: certificate.commonName,
      subject: certificate.subject,
      issuer: certificate.issuer,
      notBefore: certificate.notBefore.toISOString(),
      notAfter: certificate.notAfter.toISOString(),
      ocspUrl,
      requestedAt: now.toISOString(),
    }),
  ];
}

/**
 * ClientCertAuthSettings belongs to Type ClientCertAuth, whose OCSP responder URL is required
 * (smart-card authentication checks every user certificate's revocation status); OCSP is
 * spoken over HTTP (RFC 6960 Appendix A), so the URL must be an absolute http(s) URL.
 */
function checkClientCertAuthSettings(type: DirectoryCertificateType, settings: { readonly OCSPUrl?: string } | undefined): string | null {
  if (type === 'ClientLDAPS') {
    if (settings !== undefined) throw invalidParameter('ClientCertAuthSettings applies only to certificates of Type ClientCertAuth.');
    return null;
  }
  const raw = settings?.OCSPUrl;
  if (raw === undefined) throw invalidParameter('ClientCertAuthSettings.OCSPUrl is required for a certificate of Type ClientCertAuth.');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidParameter('ClientCertAuthSettings.OCSPUrl is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidParameter('ClientCertAuthSettings.OCSPUrl must be an http or https URL (OCSP over HTTP, RFC 6960).');
  if (!url.hostname) throw invalidParameter('ClientCertAuthSettings.OCSPUrl must name a host.');
  return raw;
}

function completeRegistration(command: Extract<DirectoryCommand, { type: 'CompleteRegistration' }>, state: DirectoryState): DirectoryEvent[] {
  if (state.status !== 'Present') return [];
  const certificate = state.certificates[command.certificateId];
  if (!certificate || certificate.state !== 'Registering') return [];
  const data = { directoryId: state.facts.directoryId, certificateId: command.certificateId, at: command.now.toISOString() };
  return command.problem === null ? [event(T.DirectoryCertificateRegistered, data)] : [event(T.DirectoryCertificateRegistrationFailed, { ...data, reason: command.problem })];
}

function completeDeregistration(command: Extract<DirectoryCommand, { type: 'CompleteDeregistration' }>, state: DirectoryState): DirectoryEvent[] {
  if (state.status !== 'Present') return [];
  const certificate = state.certificates[command.certificateId];
  if (!certificate || certificate.state !== 'Deregistering') return [];
  return [event(T.DirectoryCertificateDeregistered, { directoryId: state.facts.directoryId, certificateId: command.certificateId, at: command.now.toISOString() })];
}

export function certificateNotFound(directoryId: string, certificateId: string): DomainError {
  return new DomainError('NotFound', `Certificate ${certificateId} does not exist in directory ${directoryId}.`, 'CertificateDoesNotExistException');
}

function deregisterCertificate(command: Extract<DirectoryCommand, { type: 'DeregisterCertificate' }>, state: DirectoryState): DirectoryEvent[] {
  const directory = accessDirectory(state, command.directoryId, command.accountId, 'DirectoryDoesNotExistException');
  requireCertificateSupport(directory);
  requireActive(directory);
  const certificate = directory.certificates[command.certificateId];
  if (!certificate || certificate.state === 'Deregistered') throw certificateNotFound(command.directoryId, command.certificateId);
  if (certificate.state === 'Registering' || certificate.state === 'Deregistering') {
    throw new DomainError('InvalidState', `Certificate ${command.certificateId} is ${certificate.state}; retry when the operation in progress has finished (DescribeCertificate).`, 'ClientException');
  }
  const inUse = settingUsing(directory, certificate);
  if (inUse) {
    throw new DomainError(
      'Conflict',
      `Certificate ${command.certificateId} is the last registered ${certificate.type} certificate and ${inUse} is enabled; disable it first (${inUse === 'secure LDAP' ? 'DisableLDAPS' : 'DisableClientAuthentication'}).`,
      'CertificateInUseException',
    );
  }
  return [event(T.DirectoryCertificateDeregistrationRequested, { directoryId: command.directoryId, certificateId: command.certificateId, at: command.now.toISOString() })];
}

/** The enabled setting that depends on this certificate being the last Registered one of its type, if any. */
function settingUsing(directory: PresentDirectory, certificate: RegisteredCertificate): string | null {
  if (certificate.state !== 'Registered') return null;
  const others = registeredOfType(directory, certificate.type).filter((c) => c.certificateId !== certificate.certificateId);
  if (others.length > 0) return null;
  if (certificate.type === 'ClientLDAPS' && directory.ldaps.enabled) return 'secure LDAP';
  if (certificate.type === 'ClientCertAuth' && directory.clientAuthentication.SmartCard.enabled) return 'smart card client authentication';
  return null;
}

function registeredOfType(directory: PresentDirectory, type: DirectoryCertificateType): RegisteredCertificate[] {
  return Object.values(directory.certificates).filter((c) => c.type === type && c.state === 'Registered');
}

function changeLdaps(command: Extract<DirectoryCommand, { type: 'EnableLDAPS' | 'DisableLDAPS' }>, state: DirectoryState): DirectoryEvent[] {
  const directory = accessDirectory(state, command.directoryId, command.accountId, 'DirectoryDoesNotExistException');
  requireCertificateSupport(directory);
  requireActive(directory);
  const data = { directoryId: command.directoryId, ldapsType: 'Client' as const, at: command.now.toISOString() };
  if (command.type === 'EnableLDAPS') {
    if (directory.ldaps.enabled) throw new DomainError('InvalidState', `Client-side LDAPS is already enabled for directory ${command.directoryId}.`, 'InvalidLDAPSStatusException');
    if (registeredOfType(directory, 'ClientLDAPS').length === 0) {
      throw new DomainError('InvalidState', `Directory ${command.directoryId} has no Registered certificate of Type ClientLDAPS; register one (RegisterCertificate) and wait until it is Registered.`, 'NoAvailableCertificateException');
    }
    return [event(T.LdapsEnabled, data)];
  }
  if (!directory.ldaps.enabled) throw new DomainError('InvalidState', `Client-side LDAPS is not enabled for directory ${command.directoryId}.`, 'InvalidLDAPSStatusException');
  return [event(T.LdapsDisabled, data)];
}

function changeClientAuthentication(
  command: Extract<DirectoryCommand, { type: 'EnableClientAuthentication' | 'DisableClientAuthentication' }>,
  state: DirectoryState,
): DirectoryEvent[] {
  const directory = accessDirectory(state, command.directoryId, command.accountId, 'DirectoryDoesNotExistException');
  requireCertificateSupport(directory);
  // EnableClientAuthentication models no DirectoryUnavailableException: ClientException.
  requireActive(directory, 'ClientException');
  if (command.clientAuthenticationType !== 'SmartCard') {
    // EnableClientAuthentication Type: "Currently only the value SmartCard is supported."
    throw new DomainError('NotImplemented', 'Only client authentication Type SmartCard is supported.', 'UnsupportedOperationException');
  }
  const current = directory.clientAuthentication.SmartCard;
  const data = { directoryId: command.directoryId, clientAuthenticationType: command.clientAuthenticationType, at: command.now.toISOString() };
  if (command.type === 'EnableClientAuthentication') {
    if (current.enabled) throw new DomainError('InvalidState', `Smart card client authentication is already enabled for directory ${command.directoryId}.`, 'InvalidClientAuthStatusException');
    if (registeredOfType(directory, 'ClientCertAuth').length === 0) {
      throw new DomainError('InvalidState', `Directory ${command.directoryId} has no Registered certificate of Type ClientCertAuth; register your smart-card CA certificate (RegisterCertificate) and wait until it is Registered.`, 'NoAvailableCertificateException');
    }
    return [event(T.ClientAuthenticationEnabled, data)];
  }
  if (!current.enabled) throw new DomainError('InvalidState', `Smart card client authentication is not enabled for directory ${command.directoryId}.`, 'InvalidClientAuthStatusException');
  return [event(T.ClientAuthenticationDisabled, data)];
}

export { evolve } from './directory.evolve';
