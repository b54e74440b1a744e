import type { CaTagV1, CertificateAuthorityCreatedV1, CertificateAuthorityFailureReason } from '@pki/contracts';

/** The CA's key and request, once CsrCreated. */
export interface CsrFacts {
  readonly csr: string;
  /** DER SubjectPublicKeyInfo, base64. */
  readonly publicKeySpki: string;
}

/** The imported CA certificate, once CertificateImported. */
export interface CertificateFacts {
  readonly certificate: string;
  readonly certificateChain: string | null;
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

/** What every existing CA has, whatever its status. */
interface CaCommon {
  readonly created: CertificateAuthorityCreatedV1;
  readonly tags: readonly CaTagV1[];
  readonly revocationConfiguration: Record<string, unknown>;
  /** AWS LastStateChangeAt. */
  readonly lastStateChangeAt: string;
}

export type CreatingState = CaCommon & { readonly status: 'CREATING' };
export type FailedState = CaCommon & { readonly status: 'FAILED'; readonly failureReason: CertificateAuthorityFailureReason };
export type PendingCertificateState = CaCommon & { readonly status: 'PENDING_CERTIFICATE'; readonly csr: CsrFacts };
export type CertifiedState = CaCommon & { readonly status: 'ACTIVE' | 'DISABLED' | 'EXPIRED'; readonly csr: CsrFacts; readonly certificate: CertificateFacts };
/** A state a CA can be deleted from and restored to. */
export type LiveState = CreatingState | FailedState | PendingCertificateState | CertifiedState;
export type DeletedState = CaCommon & {
  readonly status: 'DELETED';
  /** The state RestoreCertificateAuthority returns to ("its pre-deletion status"). */
  readonly before: LiveState;
  readonly deletedAt: string;
  readonly restorableUntil: string;
};
/** After the restore window: the key is destroyed and the CA no longer exists for the API. */
export type PermanentlyDeletedState = CaCommon & { readonly status: 'PERMANENTLY_DELETED' };

/** State of one CA, folded from its events; a union keyed by status. */
export type CertificateAuthorityState = { readonly status: 'Absent' } | LiveState | DeletedState | PermanentlyDeletedState;

export const initialState: CertificateAuthorityState = { status: 'Absent' };
