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
/** An event to publish, with what its outbox row says is already done. */
export type PendingRow = EventRow & {
  readonly public_done: boolean;
  readonly outbox_published_at: Date | null;
  readonly outbox_js_seq: string | null;
  readonly public_seq: string | null;
  readonly public_id: string | null;
};

export async function claimPending(trx: Transaction<any>, schema: string, limit: number): Promise<PendingRow[]> {
  const result = await sql<PendingRow>`
    select e.*, o.public_done, o.published_at as outbox_published_at, o.js_seq as outbox_js_seq, o.public_seq, o.public_id
    from ${sql.table(`${schema}.outbox`)} o
    join ${sql.table(`${schema}.events`)} e on e.position = o.position
    where (o.published_at is null or not o.public_done)
    order by o.position
    limit ${limit}
    for update of o skip locked`.execute(trx);
  return result.rows;
}

/** Events after position `after` that occurred at or after `since`, in position order (the public stream's backfill). */
export async function eventsSince(db: Db, schema: string, after: string, since: Date, limit: number): Promise<EventRow[]> {
  return (await db.withSchema(schema).selectFrom('events').selectAll().where('position', '>', after).where('occurred_at', '>=', since).orderBy('position').limit(limit).execute()) as EventRow[];
}

export interface Published {
  readonly position: string;
  readonly jsSeq: number;
  /** The row's last public event, when it published one now (else what the row had). */
  readonly publicSeq: number | null;
  readonly publicId: string | null;
}

export async function markPublished(db: Db, schema: string, published: readonly Published[]): Promise<void> {
  if (!published.length) return;
  await sql`
    update ${sql.table(`${schema}.outbox`)} o
    set published_at = coalesce(o.published_at, now()), js_seq = v.seq, public_done = true, public_seq = v.public_seq, public_id = v.public_id
    from unnest(
      ${published.map((p) => p.position)}::bigint[], ${published.map((p) => p.jsSeq)}::bigint[],
      ${published.map((p) => p.publicSeq)}::bigint[], ${published.map((p) => p.publicId)}::uuid[]
    ) as v(position, seq, public_seq, public_id)
    where o.position = v.position`.execute(db);
}

/** JetStream lost these public events (a nats-server crash dropped the public stream's tail): publish them again. */
export async function resetPublicAbove(db: Db, schema: string, lastSeq: number): Promise<number> {
  const result = await db.withSchema(schema).updateTable('outbox').set({ public_done: false, public_seq: null, public_id: null }).where('public_seq', '>', String(lastSeq)).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Rows whose public events the public stream should still hold, most recent first (its sequences are reused after a loss). */
export async function recentPublic(db: Db, schema: string, maxSeq: number, limit: number): Promise<Array<{ position: string; public_id: string; public_seq: string }>> {
  return db
    .withSchema(schema)
    .selectFrom('outbox')
    .select(['position', 'public_id', 'public_seq'])
    .where('public_seq', 'is not', null)
    .where('public_seq', '<=', String(maxSeq))
    .orderBy('public_seq', 'desc')
    .limit(limit)
    .execute() as Promise<Array<{ position: string; public_id: string; public_seq: string }>>;
}

/** The public stream was created anew and filled again: the sequences rows recorded were the old stream's. */
export async function forgetPublicSeqs(db: Db, schema: string): Promise<void> {
  await db.withSchema(schema).updateTable('outbox').set({ public_seq: null, public_id: null }).where('public_seq', 'is not', null).execute();
}

export async function resetPublic(db: Db, schema: string, positions: readonly string[]): Promise<number> {
  if (!positions.length) return 0;
  const result = await db.withSchema(schema).updateTable('outbox').set({ public_done: false, public_seq: null, public_id: null }).where('position', 'in', positions).executeTakeFirst();
  return Number(result.numUpdatedRows);
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
