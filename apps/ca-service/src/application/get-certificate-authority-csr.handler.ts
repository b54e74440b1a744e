import { DomainError, type CommandMessage } from '@pki/contracts';
import type { CaContext } from './ca-context';
import { resolveCa } from './lifecycle-command';

/**
 * GetCertificateAuthorityCsr: RequestInProgressException while the key pair and CSR are being
 * created (the SDK waiter CertificateAuthorityCSRCreated retries on exactly that), the CSR once
 * it exists.
 */
export function getCertificateAuthorityCsrHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<{ Csr: string }> => {
    const row = await resolveCa(context, message, 'GetCertificateAuthorityCsr');
    switch (row.status) {
      case 'CREATING':
        throw new DomainError('InProgress', `The CSR of certificate authority ${row.arn} is still being created; retry shortly.`, 'RequestInProgressException');
      case 'FAILED':
        throw new DomainError('Internal', `Certificate authority ${row.arn} failed to create its key pair or CSR (${row.failure_reason ?? 'OTHER'}); create a new CA.`, 'RequestFailedException');
      case 'DELETED':
        throw new DomainError('InvalidState', `Certificate authority ${row.arn} is in status DELETED; restore it to read its CSR.`, 'InvalidStateException');
      default:
        if (row.csr === null) throw new Error(`CA ${row.id} in status ${row.status} has no CSR in its read model`);
        return { Csr: row.csr };
    }
  };
}
