import type { CommandMessage } from '@pki/contracts';
import type { CaContext } from './ca-context';
import { executeCaCommand } from './ca-command';
import { requestMeta, resolveCa } from './lifecycle-command';

/** RestoreCertificateAuthority: a DELETED CA within its window returns to its pre-deletion status. */
export function restoreCertificateAuthorityHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const row = await resolveCa(context, message, 'RestoreCertificateAuthority');
    await executeCaCommand(context, row.id, () => ({ type: 'RestoreCertificateAuthority', now: context.now() }), requestMeta(message, row));
    return {};
  };
}
