import { DomainError, type CommandMessage, type EventMetadata, type NewEvent } from '@pki/contracts';
import { ConcurrencyError } from '@pki/eventstore';
import type { Transaction } from 'kysely';
import type { IotContext } from './iot-context';

/** How often a command is re-decided when another writer appended first. */
const MAX_ATTEMPTS = 3;

export interface Aggregate<S, C, E extends NewEvent> {
  readonly stream: string;
  readonly initial: S;
  readonly decide: (command: C, state: S) => E[];
  readonly evolve: (state: S, event: E) => S;
  /** Writes the read model from the new state, in the append's transaction. */
  readonly save: (trx: Transaction<any>, state: S) => Promise<void>;
}

export async function loadAggregate<S, C, E extends NewEvent>(context: IotContext, aggregate: Aggregate<S, C, E>): Promise<{ state: S; version: number }> {
  const stored = await context.store.load(aggregate.stream);
  return { state: stored.reduce((s, e) => aggregate.evolve(s, e as unknown as E), aggregate.initial), version: stored.length };
}

/**
 * load -> decide -> append, with the read model (and `alsoInTransaction`) written in the
 * append's transaction. A concurrent writer makes the command be decided again on the new state.
 */
export async function executeCommand<S, C, E extends NewEvent>(
  context: IotContext,
  aggregate: Aggregate<S, C, E>,
  command: (state: S) => C,
  meta: EventMetadata,
  alsoInTransaction?: (trx: Transaction<any>) => Promise<void>,
): Promise<{ state: S; events: E[] }> {
  for (let attempt = 1; ; attempt++) {
    const { state, version } = await loadAggregate(context, aggregate);
    const events = aggregate.decide(command(state), state);
    if (events.length === 0) {
      if (alsoInTransaction) await context.db.transaction().execute(alsoInTransaction);
      return { state, events };
    }
    const next = events.reduce(aggregate.evolve, state);
    try {
      await context.store.append(aggregate.stream, version, events, meta, async (trx) => {
        await aggregate.save(trx, next);
        if (alsoInTransaction) await alsoInTransaction(trx);
      });
      return { state: next, events };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new DomainError('Conflict', 'The resource was changed by another request at the same time; retry the request.', 'VersionConflictException', { cause: error });
      }
    }
  }
}

export function requestMeta(message: CommandMessage): EventMetadata {
  return { correlationId: message.requestId, causationId: null, accountId: message.caller.accountId };
}
