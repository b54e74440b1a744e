import type { Kysely, Transaction } from 'kysely';
import type { EventEnvelope } from '@pki/contracts';
import type { Projection } from '../projection/projection';

/**
 * A read model that makes double application visible: one row per event id with how many
 * times it was applied (must always be 1).
 */
export async function createCountingTable(db: Kysely<any>, table: string): Promise<void> {
  await db.schema.createTable(table).ifNotExists().addColumn('event_id', 'text', (c) => c.primaryKey()).addColumn('count', 'integer', (c) => c.notNull()).addColumn('stream', 'text', (c) => c.notNull()).execute();
}

export function countingProjection(name: string, table: string, hooks: { before?: (event: EventEnvelope) => void | Promise<void> } = {}): Projection & { calls: Map<string, number> } {
  const calls = new Map<string, number>();
  return {
    name,
    calls,
    async apply(trx: Transaction<any>, event: EventEnvelope) {
      await hooks.before?.(event);
      calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
      await trx
        .insertInto(table)
        .values({ event_id: event.id, count: 1, stream: event.stream })
        .onConflict((oc) => oc.column('event_id').doUpdateSet((eb) => ({ count: eb(eb.ref(`${table}.count`), '+', 1) })))
        .execute();
    },
  };
}

export async function countingRows(db: Kysely<any>, table: string): Promise<Array<{ event_id: string; count: number; stream: string }>> {
  return db.selectFrom(table).selectAll().orderBy('event_id').execute() as Promise<Array<{ event_id: string; count: number; stream: string }>>;
}
