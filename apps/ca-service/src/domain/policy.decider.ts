import { DomainError } from '@pki/contracts';
import { assertCaAcceptsSharing } from './policy-ca-state';
import { parsePolicyDocument } from './policy-document';
import { deniedActions } from './policy-evaluation';
import { POLICY_EVENT_TYPES, type PolicyEvent } from './policy.events';

/** One CA's resource policy, folded from its policy stream. */
export type PolicyState = { readonly status: 'NoPolicy' } | { readonly status: 'Attached'; readonly policy: string };

export const initialPolicyState: PolicyState = { status: 'NoPolicy' };

/** What every policy command knows about the CA (read by the handler; deciders do no I/O). */
interface CaView {
  readonly certificateAuthorityId: string;
  readonly caArn: string;
  readonly ownerAccount: string;
  readonly caStatus: string;
  /** Injected clock. */
  readonly now: Date;
}

export type PolicyCommand = (CaView & { readonly type: 'PutPolicy'; readonly policy: string }) | (CaView & { readonly type: 'DeletePolicy' });

function put(command: Extract<PolicyCommand, { type: 'PutPolicy' }>, state: PolicyState): PolicyEvent[] {
  assertCaAcceptsSharing(command.caStatus, command.caArn, 'PutPolicy');
  const document = parsePolicyDocument(command.policy, { caArn: command.caArn });
  // The owner reaches its CA without a policy, but a Deny naming it would (as on AWS) apply to
  // it too and could cut it off from its own CA: refuse instead of locking the owner out.
  const denied = deniedActions(document, command.ownerAccount);
  if (denied.length > 0) {
    throw new DomainError(
      'Conflict',
      `The policy denies the CA's own account ${command.ownerAccount} ${denied.join(', ')}, which would lock it out of certificate authority ${command.caArn}; remove that account from the Deny statements.`,
      'LockoutPreventedException',
    );
  }
  if (state.status === 'Attached' && state.policy === command.policy) return [];
  return [
    {
      type: POLICY_EVENT_TYPES.PolicyPut,
      schemaVersion: 1,
      data: {
        certificateAuthorityId: command.certificateAuthorityId,
        certificateAuthorityArn: command.caArn,
        ownerAccount: command.ownerAccount,
        policy: command.policy,
        putAt: command.now.toISOString(),
      },
    },
  ];
}

function remove(command: Extract<PolicyCommand, { type: 'DeletePolicy' }>, state: PolicyState): PolicyEvent[] {
  assertCaAcceptsSharing(command.caStatus, command.caArn, 'DeletePolicy');
  // "If there is no policy attached to the private CA, this action will return successful."
  if (state.status === 'NoPolicy') return [];
  return [
    {
      type: POLICY_EVENT_TYPES.PolicyDeleted,
      schemaVersion: 1,
      data: {
        certificateAuthorityId: command.certificateAuthorityId,
        certificateAuthorityArn: command.caArn,
        ownerAccount: command.ownerAccount,
        deletedAt: command.now.toISOString(),
      },
    },
  ];
}

export function decidePolicy(command: PolicyCommand, state: PolicyState): PolicyEvent[] {
  switch (command.type) {
    case 'PutPolicy':
      return put(command, state);
    case 'DeletePolicy':
      return remove(command, state);
    default: {
      const exhaustive: never = command;
      throw new Error(`unknown command ${JSON.stringify(exhaustive)}`);
    }
  }
}

export function evolvePolicy(_state: PolicyState, event: PolicyEvent): PolicyState {
  switch (event.type) {
    case 'PolicyPut':
      return { status: 'Attached', policy: event.data.policy };
    case 'PolicyDeleted':
      return { status: 'NoPolicy' };
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown event ${JSON.stringify(exhaustive)}`);
    }
  }
}
