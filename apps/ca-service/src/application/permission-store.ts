import { ConcurrencyError } from '@pki/eventstore';
import { DomainError, type CommandMessage } from '@pki/contracts';
import { decidePermission, evolvePermission, initialPermissionState, type PermissionCommand } from '../domain/permission.decider';
import { permissionStream, type PermissionEvent } from '../domain/permission.events';
import { deletePermission, insertPermission } from '../infrastructure/permission.queries';
import { policyDb } from '../infrastructure/policy.queries';
import type { CaContext } from './ca-context';

/** Concurrent writers of one CA's permissions retry this often before giving up. */
const ATTEMPTS = 5;

async function project(db: ReturnType<typeof policyDb>, event: PermissionEvent): Promise<void> {
  switch (event.type) {
    case 'PermissionCreated': {
      const { data } = event;
      await insertPermission(db, {
        ca_id: data.certificateAuthorityId,
        ca_arn: data.certificateAuthorityArn,
        principal: data.principal,
        source_account: data.sourceAccount,
        actions: JSON.stringify(data.actions),
        policy: data.policy,
        created_at: new Date(data.createdAt),
      });
      return;
    }
    case 'PermissionDeleted':
      await deletePermission(db, event.data.certificateAuthorityId, event.data.principal, event.data.sourceAccount);
      return;
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown permission event ${JSON.stringify(exhaustive)}`);
    }
  }
}

/**
 * load -> decide -> append for a CA's permission stream, read model in the same transaction.
 * The permission operations model no ConcurrentModificationException, so a concurrent writer
 * makes this decide again on the newer state (two identical CreatePermission calls: one wins,
 * the other answers PermissionAlreadyExistsException); persistent contention is RequestFailedException.
 */
export async function handlePermissionCommand(context: CaContext, message: CommandMessage, command: PermissionCommand): Promise<void> {
  const stream = permissionStream(command.certificateAuthorityId);
  for (let attempt = 1; ; attempt++) {
    const stored = await context.store.load(stream);
    const state = stored
      .map((event) => {
        if (event.schemaVersion !== 1) throw new Error(`unsupported ${event.type} schema version ${event.schemaVersion} in ${stream}`);
        return event as unknown as PermissionEvent;
      })
      .reduce(evolvePermission, initialPermissionState);
    const events = decidePermission(command, state);
    try {
      await context.store.append(stream, stored.length, [...events], { accountId: message.caller.accountId, correlationId: message.requestId, causationId: null }, async (trx) => {
        for (const event of events) await project(policyDb(trx), event);
      });
      return;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      if (attempt >= ATTEMPTS) {
        throw new DomainError('Unavailable', `The permissions of certificate authority ${command.caArn} are being changed concurrently; retry.`, 'RequestFailedException', { cause: error });
      }
    }
  }
}
