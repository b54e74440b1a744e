import type { CommandMessage } from '@pki/contracts';
import type { RevocationConfiguration } from '../domain/certificate-authority.types';
import type { CaContext } from './ca-context';
import { executeCaCommand } from './ca-command';
import { requestMeta, resolveCa } from './lifecycle-command';

interface UpdateInput {
  readonly CertificateAuthorityArn: string;
  readonly RevocationConfiguration?: RevocationConfiguration;
  readonly Status?: string;
}

/** UpdateCertificateAuthority: Status ACTIVE <-> DISABLED and the RevocationConfiguration. */
export function updateCertificateAuthorityHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as UpdateInput;
    const row = await resolveCa(context, message, 'UpdateCertificateAuthority');
    await executeCaCommand(
      context,
      row.id,
      () => ({ type: 'UpdateCertificateAuthority', status: input.Status, revocationConfiguration: input.RevocationConfiguration, now: context.now() }),
      requestMeta(message, row),
    );
    return {};
  };
}
