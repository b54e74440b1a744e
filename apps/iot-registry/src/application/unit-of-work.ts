import { DomainError, type EventMetadata, type NewEvent } from '@pki/contracts';
import { ConcurrencyError } from '@pki/eventstore';
import { loadAggregate, type Aggregate } from './aggregate-command';
import type { IotContext } from './iot-context';

/** How often a unit is re-decided when another writer appended to one of its streams first. */
const MAX_ATTEMPTS = 3;

/** What a command spanning several aggregates sees: their states, and where it records its events. */
export interface UnitOfWork {
  /** The aggregate's current state; its stream's version guards the unit's append even if nothing is appended to it. */
  load<S, C, E extends NewEvent>(aggregate: Aggregate<S, C, E>): Promise<S>;
  /** Events for an aggregate loaded in this unit. */
  record<S, C, E extends NewEvent>(aggregate: Aggregate<S, C, E>, events: readonly E[]): void;
}

interface Entry {
  readonly aggregate: Aggregate<any, any, any>;
  readonly state: unknown;
  readonly version: number;
  /** The stream read and appended to (the aggregate's, or its legacy one). */
  readonly stream: string;
  readonly foreign: DomainError | undefined;
  readonly events: NewEvent[];
}

/**
 * load -> decide -> append for a decision over several aggregates (an attachment is a fact on
 * both of its sides): every stream the unit loaded is appended in ONE transaction
 * (`EventStore.appendBatch`) at the version it was read, so a concurrent change to any of them
 * makes the whole unit be decided again; each changed aggregate's read model is written in that
 * transaction. `work` must be pure apart from `load`: it may run up to three times.
 */
export async function executeUnit<R>(context: IotContext, work: (unit: UnitOfWork) => Promise<R>, meta: EventMetadata): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    const entries = new Map<string, Entry>();
    const unit: UnitOfWork = {
      async load(aggregate) {
        const known = entries.get(aggregate.stream);
        if (known) return known.state as never;
        const { state, version, stream, foreign } = await loadAggregate(context, aggregate);
        entries.set(aggregate.stream, { aggregate, state, version, stream, foreign, events: [] });
        return state;
      },
      record(aggregate, events) {
        const entry = entries.get(aggregate.stream);
        if (!entry) throw new Error(`executeUnit: ${aggregate.stream} was not loaded before recording its events`);
        entry.events.push(...events);
      },
    };
    const result = await work(unit);
    const all = [...entries.values()];
    if (all.every((e) => e.events.length === 0)) return result;
    const foreign = all.find((e) => e.events.length > 0 && e.foreign !== undefined);
    if (foreign) throw foreign.foreign;
    try {
      await context.store.appendBatch(
        all.map((e) => ({ stream: e.stream, expectedVersion: e.version, events: e.events, meta })),
        async (trx) => {
          for (const e of all) {
            if (e.events.length > 0) await e.aggregate.save(trx, e.events.reduce((s, event) => e.aggregate.evolve(s, event), e.state));
          }
        },
      );
      return result;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new DomainError('Conflict', 'The resource was changed by another request at the same time; retry the request.', 'VersionConflictException', { cause: error });
      }
    }
  }
}

/**
 * The common unit: one decision over two aggregates (an attachment's two sides), its events
 * recorded on both. `decide` gets both states and answers each side's events, in that order.
 */
export async function executePair<SA, CA, EA extends NewEvent, SB, CB, EB extends NewEvent>(
  context: IotContext,
  first: Aggregate<SA, CA, EA>,
  second: Aggregate<SB, CB, EB>,
  decide: (first: SA, second: SB) => readonly [readonly EA[], readonly EB[]],
  meta: EventMetadata,
): Promise<void> {
  await executeUnit(
    context,
    async (unit) => {
      const [firstEvents, secondEvents] = decide(await unit.load(first), await unit.load(second));
      unit.record(first, firstEvents);
      unit.record(second, secondEvents);
    },
    meta,
  );
}
