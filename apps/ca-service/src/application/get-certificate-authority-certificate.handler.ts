import { DomainError, type CommandMessage } from '@pki/contracts';
import type { CaContext } from './ca-context';
import { resolveCa } from './lifecycle-command';

/** GetCertificateAuthorityCertificate: the CA certificate and its chain (none for a root), once imported. */
export function getCertificateAuthorityCertificateHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<{ Certificate: string; CertificateChain?: string }> => {
    const row = await resolveCa(context, message, 'GetCertificateAuthorityCertificate');
    if (row.status === 'DELETED' || row.certificate === null) {
      const hint = row.status === 'DELETED' ? 'restore it first' : 'import its certificate with ImportCertificateAuthorityCertificate first';
      throw new DomainError('InvalidState', `Certificate authority ${row.arn} is in status ${row.status} and has no certificate to return; ${hint}.`, 'InvalidStateException');
    }
    return row.certificate_chain === null ? { Certificate: row.certificate } : { Certificate: row.certificate, CertificateChain: row.certificate_chain };
  };
}
