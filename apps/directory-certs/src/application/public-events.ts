/**
 * directory-certs' share of the public feed (libs/contracts public-events.ts, source `pki.ds`):
 * AWS Directory Service sends no EventBridge events of certificates, so these are the platform's
 * own: a certificate registering, registered, failed, deregistering and deregistered (AWS
 * `CertificateState` values), and client authentication or LDAPS turned on or off. In the
 * directory's account; resources: the directory's ARN (and the certificate's id).
 */
import {
  DIRECTORY_EVENT_TYPES,
  publicEvent,
  type ClientAuthenticationSettingChangedV1,
  type DirectoryCertificateDetail,
  type DirectoryCertificateRegistrationFailedV1,
  type DirectoryCertificateStateChangedV1,
  type EventEnvelope,
  type LdapsSettingChangedV1,
  type PublicDetailType,
  type PublicEvent,
  type PublicEventContext,
} from '@pki/contracts';

/** `arn:aws:ds:<region>:<account>:directory/<directory id>` (AWS Directory Service "directory" resource). */
export const directoryArn = (region: string, account: string, directoryId: string): string => `arn:aws:ds:${region}:${account}:directory/${directoryId}`;

const CERTIFICATE_STATES: Readonly<Record<string, readonly [PublicDetailType, DirectoryCertificateDetail['state']]>> = {
  [DIRECTORY_EVENT_TYPES.DirectoryCertificateRegistrationRequested]: ['Directory Service Certificate State Change', 'Registering'],
  [DIRECTORY_EVENT_TYPES.DirectoryCertificateRegistrationFailed]: ['Directory Service Certificate State Change', 'RegisterFailed'],
  [DIRECTORY_EVENT_TYPES.DirectoryCertificateDeregistrationRequested]: ['Directory Service Certificate State Change', 'Deregistering'],
  [DIRECTORY_EVENT_TYPES.DirectoryCertificateRegistered]: ['Directory Service Certificate Registered', 'Registered'],
  [DIRECTORY_EVENT_TYPES.DirectoryCertificateDeregistered]: ['Directory Service Certificate Deregistered', 'Deregistered'],
};

const SETTINGS: Readonly<Record<string, readonly [PublicDetailType, 'Enabled' | 'Disabled']>> = {
  [DIRECTORY_EVENT_TYPES.ClientAuthenticationEnabled]: ['Directory Service Client Authentication Change', 'Enabled'],
  [DIRECTORY_EVENT_TYPES.ClientAuthenticationDisabled]: ['Directory Service Client Authentication Change', 'Disabled'],
  [DIRECTORY_EVENT_TYPES.LdapsEnabled]: ['Directory Service LDAPS Change', 'Enabled'],
  [DIRECTORY_EVENT_TYPES.LdapsDisabled]: ['Directory Service LDAPS Change', 'Disabled'],
};

export function directoryPublicEvents(event: EventEnvelope, context: PublicEventContext): PublicEvent[] {
  if (event.schemaVersion !== 1) return [];
  // In the directory's region: the region its events carry, else (directories created before regions) the default one.
  const region = (event.data as { readonly region?: string }).region ?? context.region;
  const where = { account: event.accountId, region };
  const certificateState = CERTIFICATE_STATES[event.type];
  if (certificateState) {
    const [detailType, state] = certificateState;
    // RegistrationRequested carries requestedAt; the state changes `at`.
    const d = event.data as DirectoryCertificateStateChangedV1 & Partial<DirectoryCertificateRegistrationFailedV1> & { requestedAt?: string };
    const detail: DirectoryCertificateDetail = { directoryId: d.directoryId, certificateId: d.certificateId, state, stateReason: d.reason ?? null };
    return [publicEvent(event.id, detailType, where, d.at ?? d.requestedAt!, [directoryArn(region, event.accountId, d.directoryId), d.certificateId], detail)];
  }
  const setting = SETTINGS[event.type];
  if (setting) {
    const [detailType, status] = setting;
    const d = event.data as Partial<LdapsSettingChangedV1 & ClientAuthenticationSettingChangedV1> & { directoryId: string; at: string };
    return [publicEvent(event.id, detailType, where, d.at, [directoryArn(region, event.accountId, d.directoryId)], { directoryId: d.directoryId, type: d.ldapsType ?? d.clientAuthenticationType!, status })];
  }
  return [];
}
