import { ConcurrencyError } from '@pki/eventstore';
import { DomainError, type CommandMessage } from '@pki/contracts';
import { decidePolicy, evolvePolicy, initialPolicyState, type PolicyCommand, type PolicyState } from '../domain/policy.decider';
import { parsePolicyDocument } from '../domain/policy-document';
import { grantedActionsByAccount } from '../domain/policy-evaluation';
import { policyStream, type PolicyEvent } from '../domain/policy.events';
import { deletePolicy, policyDb, savePolicy } from '../infrastructure/policy.queries';
import type { CaContext } from './ca-context';

async function loadPolicy(context: CaContext, caId: string): Promise<{ state: PolicyState; version: number }> {
  const stored = await context.store.load(policyStream(caId));
  const state = stored
    .map((event) => {
      if (event.schemaVersion !== 1) throw new Error(`unsupported ${event.type} schema version ${event.schemaVersion} in ${event.stream}`);
      return event as unknown as PolicyEvent;
    })
    .reduce(evolvePolicy, initialPolicyState);
  return { state, version: stored.length };
}

/** The read-model change one policy event makes, in the append's transaction. */
async function project(db: ReturnType<typeof policyDb>, event: PolicyEvent, version: number): Promise<void> {
  switch (event.type) {
    case 'PolicyPut': {
      const { data } = event;
      const grants = grantedActionsByAccount(parsePolicyDocument(data.policy, { caArn: data.certificateAuthorityArn }), data.ownerAccount);
      await savePolicy(
        db,
        { ca_id: data.certificateAuthorityId, ca_arn: data.certificateAuthorityArn, owner_account: data.ownerAccount, policy: data.policy, updated_at: new Date(data.putAt), version },
        grants,
      );
      return;
    }
    case 'PolicyDeleted':
      await deletePolicy(db, event.data.certificateAuthorityId);
      return;
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown policy event ${JSON.stringify(exhaustive)}`);
    }
  }
}

/**
 * load -> decide -> append for a CA's policy stream, updating the read model in the same
 * transaction. A concurrent change to the same policy answers ConcurrentModificationException
 * ("A previous update to your private CA is still ongoing"), as AWS models for both operations.
 */
export async function handlePolicyCommand(context: CaContext, message: CommandMessage, command: PolicyCommand): Promise<void> {
  const { state, version } = await loadPolicy(context, command.certificateAuthorityId);
  const events = decidePolicy(command, state);
  if (events.length === 0) return;
  try {
    await context.store.append(
      policyStream(command.certificateAuthorityId),
      version,
      [...events],
      { accountId: message.caller.accountId, correlationId: message.requestId, causationId: null },
      async (trx, stored) => {
        for (const [i, event] of events.entries()) await project(policyDb(trx), event, stored[i]!.version);
      },
    );
  } catch (error) {
    if (error instanceof ConcurrencyError) {
      throw new DomainError('Conflict', `Another change to the policy of certificate authority ${command.caArn} is in progress; retry.`, 'ConcurrentModificationException', { cause: error });
    }
    throw error;
  }
}
