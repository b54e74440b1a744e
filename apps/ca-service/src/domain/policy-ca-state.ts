import { DomainError } from '@pki/contracts';

/**
 * Which CA statuses accept resource-policy and permission operations. AWS models
 * InvalidStateException ("The state of the private CA does not allow this action to occur")
 * for all six operations without listing the states; this platform applies what a PKI
 * operator expects:
 * - DELETED: the CA is inert during its restoration window (its access must not change or be
 *   read as if live); RestoreCertificateAuthority first.
 * - FAILED: "A failed CA can never return to the pending state. You must create a new CA",
 *   so granting access to it is refused (reading what exists is still allowed).
 * Every other status (CREATING, PENDING_CERTIFICATE, ACTIVE, DISABLED, EXPIRED) can be shared:
 * sharing is set up before a CA is activated.
 */
export type SharingOperation = 'PutPolicy' | 'GetPolicy' | 'DeletePolicy' | 'CreatePermission' | 'DeletePermission' | 'ListPermissions';

const READS: readonly SharingOperation[] = ['GetPolicy', 'ListPermissions'];

export function assertCaAcceptsSharing(caStatus: string, caArn: string, operation: SharingOperation): void {
  const refused = caStatus === 'DELETED' || (caStatus === 'FAILED' && !READS.includes(operation));
  if (refused) {
    const remedy = caStatus === 'DELETED' ? 'Restore it with RestoreCertificateAuthority first.' : 'A failed CA cannot be shared; create a new CA.';
    throw new DomainError('InvalidState', `${operation} is not allowed while certificate authority ${caArn} is ${caStatus}. ${remedy}`, 'InvalidStateException');
  }
}
