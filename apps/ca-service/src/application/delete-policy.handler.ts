import type { CommandMessage } from '@pki/contracts';
import type { CaContext } from './ca-context';
import { loadOwnedCa } from './policy-ca';
import { handlePolicyCommand } from './policy-store';

export function deletePolicyHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as { ResourceArn: string };
    const ca = await loadOwnedCa(context, message.caller, input.ResourceArn, 'DeletePolicy');
    await handlePolicyCommand(context, message, {
      type: 'DeletePolicy',
      certificateAuthorityId: ca.id,
      caArn: ca.arn,
      ownerAccount: ca.owner_account,
      caStatus: ca.status,
      now: context.now(),
    });
    return {};
  };
}
