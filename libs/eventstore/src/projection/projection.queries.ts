import type { Kysely, Transaction } from 'kysely';
import type { NewParkedMessage, ProjectionCheckpoint } from './projection.tables';

type Db = Kysely<any> | Transaction<any>;

/** Claims (projection, event) for this transaction; false if it was already processed (or parked). */
export async function markProcessed(db: Db, schema: string, projection: string, eventId: string, streamSeq: number): Promise<boolean> {
  const row = await db
    .withSchema(schema)
    .insertInto('projection_processed')
    .values({ projection, event_id: eventId, stream_seq: String(streamSeq) })
    .onConflict((oc) => oc.columns(['projection', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * `markProcessed` for several events in one statement: the ids claimed by this transaction
 * (those not processed or parked before). A duplicate id within `events` is claimed once.
 */
export async function markProcessedMany(db: Db, schema: string, projection: string, events: ReadonlyArray<{ eventId: string; streamSeq: number }>): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const rows = await db
    .withSchema(schema)
    .insertInto('projection_processed')
    .values(events.map((e) => ({ projection, event_id: e.eventId, stream_seq: String(e.streamSeq) })))
    .onConflict((oc) => oc.columns(['projection', 'event_id']).doNothing())
    .returning('event_id')
    .execute();
  return new Set(rows.map((r: { event_id: string }) => r.event_id));
}

/** Compare-and-set: the checkpoint only moves forward. */
export async function advanceCheckpoint(db: Db, schema: string, projection: string, streamSeq: number, eventId: string | null): Promise<void> {
  await db
    .withSchema(schema)
    .insertInto('projection_checkpoints')
    .values({ projection, stream_seq: String(streamSeq), event_id: eventId, updated_at: new Date() })
    .onConflict((oc) =>
      oc
        .column('projection')
        .doUpdateSet((eb) => ({ stream_seq: eb.ref('excluded.stream_seq'), event_id: eb.ref('excluded.event_id'), updated_at: eb.ref('excluded.updated_at') }))
        .where('projection_checkpoints.stream_seq', '<', String(streamSeq)),
    )
    .execute();
}

/** Moves the checkpoint back unconditionally: only when the stream renumbered messages. */
export async function rewindCheckpoint(db: Db, schema: string, projection: string, streamSeq: number): Promise<void> {
  await db
    .withSchema(schema)
    .insertInto('projection_checkpoints')
    .values({ projection, stream_seq: String(streamSeq), event_id: null, updated_at: new Date() })
    .onConflict((oc) => oc.column('projection').doUpdateSet({ stream_seq: String(streamSeq), event_id: null, updated_at: new Date() }))
    .execute();
}

export async function findCheckpoint(db: Db, schema: string, projection: string): Promise<ProjectionCheckpoint | undefined> {
  return db.withSchema(schema).selectFrom('projection_checkpoints').selectAll().where('projection', '=', projection).executeTakeFirst() as Promise<ProjectionCheckpoint | undefined>;
}

export async function insertParked(db: Db, schema: string, parked: NewParkedMessage): Promise<void> {
  await db.withSchema(schema).insertInto('projection_parked').values(parked).execute();
}

/** Records the source stream's incarnation where none is: a new projection, or one checkpointed by an older release. */
export async function recordStreamCreated(db: Db, schema: string, projection: string, created: string): Promise<void> {
  await db
    .withSchema(schema)
    .insertInto('projection_checkpoints')
    .values({ projection, stream_seq: '0', event_id: null, updated_at: new Date(), stream_created: created })
    .onConflict((oc) => oc.column('projection').doUpdateSet({ stream_created: created }).where('projection_checkpoints.stream_created', 'is', null))
    .execute();
}

/**
 * Compare-and-set back to the start of a recreated source stream (incarnation `from` -> `to`):
 * true for the one replica that moved it.
 */
export async function restartAtStreamStart(db: Db, schema: string, projection: string, from: string, to: string): Promise<boolean> {
  const result = await db
    .withSchema(schema)
    .updateTable('projection_checkpoints')
    .set({ stream_seq: '0', event_id: null, stream_created: to, updated_at: new Date() })
    .where('projection', '=', projection)
    .where('stream_created', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
