import { DomainError, type CommandMessage, type EventEnvelope, type EventMetadata, type NewEvent } from '@pki/contracts';
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
  /**
   * The stream this resource had before streams named their region (things and policies of
   * deployments older than PKI_REGIONS): used, and appended to, while `stream` is empty and the
   * legacy stream's first event says it is this region's resource. New resources never go there.
   */
  readonly legacy?: { readonly stream: string; readonly isOurs: (first: EventEnvelope) => boolean };
  /**
   * A resource whose id is unique in the deployment, not per region (device and CA certificates:
   * their ids are the certificate's SHA-256): the error a decision that would write to a stream
   * holding another region's resource gets. Such a state is decided on as absent (a command of
   * another region finds nothing, ResourceNotFoundException), but never appended to.
   */
  readonly foreign?: (state: S) => DomainError | undefined;
}

export interface LoadedAggregate<S> {
  /** The state decided on: `initial` for another region's resource (see Aggregate.foreign). */
  readonly state: S;
  readonly version: number;
  /** The stream read, and appended to: `stream`, or the legacy one. */
  readonly stream: string;
  /** Set when the stream holds another region's resource: appending to it is refused with this. */
  readonly foreign: DomainError | undefined;
}

export async function loadAggregate<S, C, E extends NewEvent>(context: IotContext, aggregate: Aggregate<S, C, E>): Promise<LoadedAggregate<S>> {
  let stream = aggregate.stream;
  let stored = await context.store.load(stream);
  if (stored.length === 0 && aggregate.legacy) {
    const legacy = await context.store.load(aggregate.legacy.stream);
    if (legacy.length > 0 && aggregate.legacy.isOurs(legacy[0]!)) {
      stream = aggregate.legacy.stream;
      stored = legacy;
    }
  }
  const state = stored.reduce((s, e) => aggregate.evolve(s, e as unknown as E), aggregate.initial);
  const foreign = aggregate.foreign?.(state);
  return { state: foreign ? aggregate.initial : state, version: stored.length, stream, foreign };
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
    const { state, version, stream, foreign } = await loadAggregate(context, aggregate);
    const events = aggregate.decide(command(state), state);
    if (events.length === 0) {
      if (alsoInTransaction) await context.db.transaction().execute(alsoInTransaction);
      return { state, events };
    }
    if (foreign) throw foreign;
    const next = events.reduce(aggregate.evolve, state);
    try {
      await context.store.append(stream, version, events, meta, async (trx) => {
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
