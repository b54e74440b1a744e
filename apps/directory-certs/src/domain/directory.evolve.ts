import { DIRECTORY_EVENT_TYPES as T } from '@pki/contracts';
import type { DirectoryEvent } from './directory.events';
import type { CertificateState, DirectoryStage, DirectoryState, PresentDirectory, RegisteredCertificate } from './directory.state';

const DISABLED = { enabled: false, lastUpdated: null } as const;

const tagsOf = (tags: ReadonlyArray<{ readonly key: string; readonly value: string }>): Record<string, string> =>
  Object.fromEntries(tags.map((t) => [t.key, t.value]));

/** A directory just requested (CreateDirectory, CreateMicrosoftAD or ConnectDirectory): its facts, nothing else yet. */
function requested(at: Date, tags: ReadonlyArray<{ readonly key: string; readonly value: string }>, facts: PresentDirectory['facts']): DirectoryState {
  return {
    status: 'Present',
    facts,
    stage: 'Requested',
    stageLastUpdated: at,
    certificates: {},
    ldaps: DISABLED,
    clientAuthentication: { SmartCard: DISABLED, SmartCardOrPassword: DISABLED },
    tags: tagsOf(tags),
    settings: {},
  };
}

export function evolve(state: DirectoryState, e: DirectoryEvent): DirectoryState {
  if (e.type === T.AdConnectorRequested) {
    const d = e.data;
    const at = new Date(d.requestedAt);
    return requested(at, d.tags, {
      directoryId: d.directoryId,
      accountId: d.accountId,
      directoryType: 'ADConnector',
      name: d.name,
      shortName: d.shortName,
      description: d.description,
      size: d.size,
      edition: null,
      vpcSettings: { vpcId: d.connectSettings.vpcId, subnetIds: d.connectSettings.subnetIds },
      connectSettings: { customerDnsIps: d.connectSettings.customerDnsIps, customerUserName: d.connectSettings.customerUserName },
      networkType: d.networkType,
      launchTime: at,
      region: d.region ?? null,
    });
  }
  if (e.type === T.DirectoryRequested) {
    const d = e.data;
    const at = new Date(d.requestedAt);
    return requested(at, d.tags, {
      directoryId: d.directoryId,
      accountId: d.accountId,
      directoryType: d.directoryType,
      name: d.name,
      shortName: d.shortName,
      description: d.description,
      size: d.size,
      edition: d.edition,
      vpcSettings: d.vpcSettings,
      connectSettings: null,
      networkType: d.networkType,
      launchTime: at,
      region: d.region ?? null,
    });
  }
  if (state.status !== 'Present') return state;
  switch (e.type) {
    case T.DirectoryCreationStarted:
      return stage(state, 'Creating', e.data.at);
    case T.DirectoryActivated:
      return stage(state, 'Active', e.data.at);
    case T.DirectoryDeletionRequested:
      return stage(state, 'Deleting', e.data.at);
    case T.DirectoryDeleted:
      return stage(state, 'Deleted', e.data.at);
    case T.DirectoryCertificateRegistrationRequested: {
      const d = e.data;
      const at = new Date(d.requestedAt);
      const certificate: RegisteredCertificate = {
        certificateId: d.certificateId,
        type: d.certificateType,
        state: 'Registering',
        stateReason: null,
        commonName: d.commonName,
        sha256Fingerprint: d.sha256Fingerprint,
        certificatePem: d.certificatePem,
        notBefore: new Date(d.notBefore),
        notAfter: new Date(d.notAfter),
        ocspUrl: d.ocspUrl,
        registeredAt: at,
        stateChangedAt: at,
      };
      return { ...state, certificates: { ...state.certificates, [d.certificateId]: certificate } };
    }
    case T.DirectoryCertificateRegistered:
      return certificateState(state, e.data.certificateId, 'Registered', null, e.data.at);
    case T.DirectoryCertificateRegistrationFailed:
      return certificateState(state, e.data.certificateId, 'RegisterFailed', e.data.reason, e.data.at);
    case T.DirectoryCertificateDeregistrationRequested:
      return certificateState(state, e.data.certificateId, 'Deregistering', null, e.data.at);
    case T.DirectoryCertificateDeregistered:
      return certificateState(state, e.data.certificateId, 'Deregistered', null, e.data.at);
    case T.LdapsEnabled:
      return { ...state, ldaps: { enabled: true, lastUpdated: new Date(e.data.at) } };
    case T.LdapsDisabled:
      return { ...state, ldaps: { enabled: false, lastUpdated: new Date(e.data.at) } };
    case T.ClientAuthenticationEnabled:
    case T.ClientAuthenticationDisabled:
      return {
        ...state,
        clientAuthentication: {
          ...state.clientAuthentication,
          [e.data.clientAuthenticationType]: { enabled: e.type === T.ClientAuthenticationEnabled, lastUpdated: new Date(e.data.at) },
        },
      };
    case T.DirectoryTagsAdded:
      return { ...state, tags: { ...state.tags, ...tagsOf(e.data.tags) } };
    case T.DirectoryTagsRemoved: {
      const removed = new Set(e.data.tagKeys);
      return { ...state, tags: Object.fromEntries(Object.entries(state.tags).filter(([key]) => !removed.has(key))) };
    }
    case T.DirectorySettingsUpdated: {
      const at = new Date(e.data.at);
      // Applied at once: there are no domain controllers to roll the change out to (README).
      const changed = Object.fromEntries(e.data.settings.map((s) => [s.name, { value: s.value, requestedAt: at, updatedAt: at }]));
      return { ...state, settings: { ...state.settings, ...changed } };
    }
    default: {
      const _exhaustive: never = e;
      throw new Error(`unknown event ${JSON.stringify(_exhaustive)}`);
    }
  }
}

function stage(state: PresentDirectory, next: DirectoryStage, at: string): PresentDirectory {
  return { ...state, stage: next, stageLastUpdated: new Date(at) };
}

function certificateState(state: PresentDirectory, certificateId: string, next: CertificateState, reason: string | null, at: string): PresentDirectory {
  const current = state.certificates[certificateId];
  if (!current) return state;
  return { ...state, certificates: { ...state.certificates, [certificateId]: { ...current, state: next, stateReason: reason, stateChangedAt: new Date(at) } } };
}
