import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventRow } from '../store/events.table';
import type { OutboxStreamRow } from '../store/outbox-stream.table';

type Db = Kysely<any> | Transaction<any>;

/**
 * Whether this transaction is the one relay pass of the schema running now (a transaction-scoped
 * advisory lock; false: another replica's pass holds it). One pass at a time publishes in
 * position order, so each aggregate's events reach the internal and the public streams in
 * version order whichever replica publishes them.
 */
export async function takeRelayTurn(trx: Transaction<any>, schema: string): Promise<boolean> {
  const result = await sql<{ turn: boolean }>`select pg_try_advisory_xact_lock(hashtext(${`${schema}.outbox-relay`})) as turn`.execute(trx);
  return result.rows[0]?.turn === true;
}

/**
 * Claims unpublished rows in position order. SKIP LOCKED lets several relay replicas share
 * the work; rows of a transaction that has not committed yet are simply not visible, and are
 * claimed by a later pass once it commits (no "position > last" watermark to skip them).
 */
export type PendingRow = EventRow & { readonly public_done: boolean };

export async function claimPending(trx: Transaction<any>, schema: string, limit: number): Promise<PendingRow[]> {
  const result = await sql<PendingRow>`
    select e.*, o.public_done from ${sql.table(`${schema}.outbox`)} o
    join ${sql.table(`${schema}.events`)} e on e.position = o.position
    where o.published_at is null
    order by o.position
    limit ${limit}
    for update of o skip locked`.execute(trx);
  return result.rows;
}

export async function markPublished(db: Db, schema: string, published: Array<{ position: string; jsSeq: number }>): Promise<void> {
  if (!published.length) return;
  await sql`
    update ${sql.table(`${schema}.outbox`)} o
    set published_at = now(), js_seq = v.seq, public_done = true
    from unnest(${published.map((p) => p.position)}::bigint[], ${published.map((p) => p.jsSeq)}::bigint[]) as v(position, seq)
    where o.position = v.position`.execute(db);
}

/** JetStream lost these (a crash before its write reached disk, or the stream was recreated): publish again. */
export async function resetPublishedAbove(db: Db, schema: string, lastSeq: number): Promise<number> {
  const result = await db.withSchema(schema).updateTable('outbox').set({ published_at: null, js_seq: null }).where('js_seq', '>', String(lastSeq)).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function resetPublished(db: Db, schema: string, positions?: string[]): Promise<number> {
  if (positions && !positions.length) return 0;
  let query = db.withSchema(schema).updateTable('outbox').set({ published_at: null, js_seq: null }).where('published_at', 'is not', null);
  if (positions) query = query.where('position', 'in', positions);
  return Number((await query.executeTakeFirst()).numUpdatedRows);
}

/** The most recently published rows (highest JetStream sequences): where a crashed server's losses are. */
export async function recentPublished(db: Db, schema: string, maxSeq: number, limit: number): Promise<Array<{ position: string; event_id: string; js_seq: string }>> {
  return db
    .withSchema(schema)
    .selectFrom('outbox')
    .select(['position', 'event_id', 'js_seq'])
    .where('js_seq', 'is not', null)
    .where('js_seq', '<=', String(maxSeq))
    .orderBy('js_seq', 'desc')
    .limit(limit)
    .execute() as Promise<Array<{ position: string; event_id: string; js_seq: string }>>;
}

/** Forgets rows published before `before` that the stream still holds (js_seq within its range). */
export async function prunePublished(db: Db, schema: string, before: Date, maxSeq: number): Promise<number> {
  const result = await db
    .withSchema(schema)
    .deleteFrom('outbox')
    .where('published_at', '<', before)
    .where('js_seq', '<=', String(maxSeq))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** StreamInfo.created of the stream the relay last published into, or null before the first reconcile. */
export async function recordedStreamCreated(db: Db, schema: string, stream: string): Promise<string | null> {
  const row = (await db.withSchema(schema).selectFrom('outbox_stream').select('created').where('stream', '=', stream).executeTakeFirst()) as Pick<OutboxStreamRow, 'created'> | undefined;
  return row?.created ?? null;
}

/**
 * Compare-and-set of the recorded incarnation, from `from` (null: none recorded) to `to`: true
 * for the one caller (relay replica) that moved it. Run in the transaction that acts on the change.
 */
export async function moveStreamCreated(db: Db, schema: string, stream: string, from: string | null, to: string): Promise<boolean> {
  const table = sql.table(`${schema}.outbox_stream`);
  const result =
    from === null
      ? await sql`insert into ${table} (stream, created) values (${stream}, ${to}) on conflict (stream) do nothing`.execute(db)
      : await sql`update ${table} set created = ${to}, recorded_at = now() where stream = ${stream} and created = ${from}`.execute(db);
  return Number(result.numAffectedRows ?? 0) === 1;
}

/**
 * Every event back into the outbox as unpublished (rows still retained are reset, pruned ones
 * made again): the relay claims them in position order, i.e. each aggregate's events in version
 * order. For a stream that lost everything; the events table is the truth. Pruned rows come
 * back with public_done: their public events were published before they were pruned.
 */
export async function requeueAllEvents(db: Db, schema: string): Promise<number> {
  const result = await sql`
    insert into ${sql.table(`${schema}.outbox`)} (position, event_id, public_done)
    select position, id, true from ${sql.table(`${schema}.events`)}
    on conflict (position) do update set published_at = null, js_seq = null`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
