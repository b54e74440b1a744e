import type { CertificateAuthorityEvent } from './certificate-authority.events';
import type { CertificateAuthorityState, DeletedState, LiveState } from './certificate-authority.state';

type Existing = Exclude<CertificateAuthorityState, { status: 'Absent' }>;

/** Events only follow a creation; anything else means a corrupt stream. */
function existing(state: CertificateAuthorityState, event: CertificateAuthorityEvent): Existing {
  if (state.status === 'Absent') throw new Error(`event ${event.type} on a CA that was never created`);
  return state;
}

function csrOf(state: Existing, event: CertificateAuthorityEvent) {
  if (state.status === 'PENDING_CERTIFICATE' || state.status === 'ACTIVE' || state.status === 'DISABLED' || state.status === 'EXPIRED') return state.csr;
  throw new Error(`event ${event.type} on a CA in ${state.status} that has no CSR`);
}

function certifiedFrom(state: Existing, event: CertificateAuthorityEvent) {
  if (state.status === 'ACTIVE' || state.status === 'DISABLED' || state.status === 'EXPIRED') return state;
  throw new Error(`event ${event.type} on a CA in ${state.status} that has no certificate`);
}

function deletedFrom(state: Existing, event: CertificateAuthorityEvent): DeletedState {
  if (state.status === 'DELETED') return state;
  throw new Error(`event ${event.type} on a CA in ${state.status}`);
}

function liveFrom(state: Existing, event: CertificateAuthorityEvent): LiveState {
  if (state.status === 'DELETED' || state.status === 'PERMANENTLY_DELETED') throw new Error(`event ${event.type} on a CA in ${state.status}`);
  return state;
}

/** The members every status shares, without the status-specific ones. */
function common(state: Existing) {
  return { created: state.created, tags: state.tags, revocationConfiguration: state.revocationConfiguration };
}

export function evolve(state: CertificateAuthorityState, event: CertificateAuthorityEvent): CertificateAuthorityState {
  switch (event.type) {
    case 'CertificateAuthorityCreated':
      // A new CA starts in CREATING: its key pair and CSR do not exist yet.
      return {
        status: 'CREATING',
        created: event.data,
        tags: event.data.tags,
        revocationConfiguration: event.data.revocationConfiguration,
        lastStateChangeAt: event.data.createdAt,
      };
    case 'CsrCreated': {
      const current = existing(state, event);
      return {
        ...common(current),
        status: 'PENDING_CERTIFICATE',
        csr: { csr: event.data.csr, publicKeySpki: event.data.publicKeySpki },
        lastStateChangeAt: event.data.createdAt,
      };
    }
    case 'CertificateAuthorityCreationFailed':
      return { ...common(existing(state, event)), status: 'FAILED', failureReason: event.data.failureReason, lastStateChangeAt: event.data.failedAt };
    case 'CertificateImported': {
      const current = existing(state, event);
      const { certificate, certificateChain, serial, notBefore, notAfter } = event.data;
      return {
        ...common(current),
        status: 'ACTIVE',
        csr: csrOf(current, event),
        certificate: { certificate, certificateChain, serial, notBefore, notAfter },
        lastStateChangeAt: event.data.importedAt,
      };
    }
    case 'StatusChanged':
      return { ...certifiedFrom(existing(state, event), event), status: event.data.status, lastStateChangeAt: event.data.changedAt };
    case 'RevocationConfigurationUpdated':
      return { ...liveFrom(existing(state, event), event), revocationConfiguration: event.data.revocationConfiguration, lastStateChangeAt: event.data.updatedAt };
    case 'CertificateAuthorityDeleted': {
      const before = liveFrom(existing(state, event), event);
      return { ...common(before), status: 'DELETED', before, deletedAt: event.data.deletedAt, restorableUntil: event.data.restorableUntil, lastStateChangeAt: event.data.deletedAt };
    }
    case 'CertificateAuthorityRestored': {
      const deleted = deletedFrom(existing(state, event), event);
      return { ...deleted.before, tags: deleted.tags, revocationConfiguration: deleted.revocationConfiguration, lastStateChangeAt: event.data.restoredAt };
    }
    case 'CertificateAuthorityPermanentlyDeleted': {
      const deleted = deletedFrom(existing(state, event), event);
      return { ...common(deleted), status: 'PERMANENTLY_DELETED', lastStateChangeAt: event.data.permanentlyDeletedAt };
    }
    case 'CertificateAuthorityExpired':
      return { ...certifiedFrom(existing(state, event), event), status: 'EXPIRED', lastStateChangeAt: event.data.expiredAt };
    case 'Tagged':
    case 'Untagged':
      return { ...existing(state, event), tags: event.data.allTags };
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown event ${String((exhaustive as { type: string }).type)}`);
    }
  }
}
