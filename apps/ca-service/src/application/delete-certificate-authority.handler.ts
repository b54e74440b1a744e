import type { CommandMessage } from '@pki/contracts';
import type { CaContext } from './ca-context';
import { executeCaCommand } from './ca-command';
import { requestMeta, resolveCa } from './lifecycle-command';

/** DeleteCertificateAuthority: DELETED, restorable for PermanentDeletionTimeInDays (7..30, default 30). */
export function deleteCertificateAuthorityHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as { CertificateAuthorityArn: string; PermanentDeletionTimeInDays?: number };
    const row = await resolveCa(context, message, 'DeleteCertificateAuthority');
    await executeCaCommand(
      context,
      row.id,
      () => ({ type: 'DeleteCertificateAuthority', permanentDeletionTimeInDays: input.PermanentDeletionTimeInDays, now: context.now() }),
      requestMeta(message, row),
    );
    return {};
  };
}
