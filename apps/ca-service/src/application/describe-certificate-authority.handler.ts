import type { CommandMessage } from '@pki/contracts';
import { loadAccessibleCa } from './access';
import type { CaContext } from './ca-context';
import { toCertificateAuthority } from './certificate-authority.view';

export function describeCertificateAuthorityHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<{ CertificateAuthority: Record<string, unknown> }> => {
    const input = message.input as { CertificateAuthorityArn: string };
    const row = await loadAccessibleCa(context, message.caller, input.CertificateAuthorityArn, 'acm-pca:DescribeCertificateAuthority');
    return { CertificateAuthority: toCertificateAuthority(row) };
  };
}
