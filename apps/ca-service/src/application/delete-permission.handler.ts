import type { CommandMessage } from '@pki/contracts';
import type { CaContext } from './ca-context';
import { handlePermissionCommand } from './permission-store';
import { loadOwnedCa } from './policy-ca';

export function deletePermissionHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as { CertificateAuthorityArn: string; Principal: string; SourceAccount?: string };
    const ca = await loadOwnedCa(context, message.caller, input.CertificateAuthorityArn, 'DeletePermission');
    await handlePermissionCommand(context, message, {
      type: 'DeletePermission',
      certificateAuthorityId: ca.id,
      caArn: ca.arn,
      caStatus: ca.status,
      now: context.now(),
      principal: input.Principal,
      sourceAccount: input.SourceAccount ?? message.caller.accountId,
    });
    return {};
  };
}
