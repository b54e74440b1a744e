import { DomainError, type CommandMessage } from '@pki/contracts';
import { assertCaAcceptsSharing } from '../domain/policy-ca-state';
import { findPolicyByCaId, policyDb } from '../infrastructure/policy.queries';
import type { CaContext } from './ca-context';
import { loadOwnedCa } from './policy-ca';

export function getPolicyHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<{ Policy: string }> => {
    const input = message.input as { ResourceArn: string };
    const ca = await loadOwnedCa(context, message.caller, input.ResourceArn, 'GetPolicy');
    assertCaAcceptsSharing(ca.status, ca.arn, 'GetPolicy');
    const row = await findPolicyByCaId(policyDb(context.db), ca.id);
    // "If either the private CA resource or the policy cannot be found, this action returns a ResourceNotFoundException."
    if (!row) throw new DomainError('NotFound', `Certificate authority ${ca.arn} has no resource policy; attach one with PutPolicy.`, 'ResourceNotFoundException');
    return { Policy: row.policy };
  };
}
