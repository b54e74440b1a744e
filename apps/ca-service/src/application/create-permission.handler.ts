import type { CommandMessage } from '@pki/contracts';
import type { CaContext } from './ca-context';
import { handlePermissionCommand } from './permission-store';
import { loadOwnedCa } from './policy-ca';

interface CreatePermissionInput {
  readonly CertificateAuthorityArn: string;
  readonly Principal: string;
  readonly SourceAccount?: string;
  readonly Actions: readonly string[];
}

export function createPermissionHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as CreatePermissionInput;
    const ca = await loadOwnedCa(context, message.caller, input.CertificateAuthorityArn, 'CreatePermission');
    await handlePermissionCommand(context, message, {
      type: 'CreatePermission',
      certificateAuthorityId: ca.id,
      caArn: ca.arn,
      caStatus: ca.status,
      now: context.now(),
      principal: input.Principal,
      // SourceAccount: "The ID of the calling account."
      sourceAccount: input.SourceAccount ?? message.caller.accountId,
      actions: input.Actions,
    });
    return {};
  };
}
