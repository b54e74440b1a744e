import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventRow, NewEventRow } from './events.table';

type Db = Kysely<any> | Transaction<any>;

export async function currentVersion(db: Db, schema: string, stream: string): Promise<number> {
  const { rows } = await sql<{ version: number | null }>`select max(version) as version from ${sql.table(`${schema}.events`)} where stream = ${stream}`.execute(db);
  return Number(rows[0]?.version ?? 0);
}

/**
 * The events and their outbox rows in ONE statement (each outbox row is inserted from the events
 * insert's RETURNING), with every column as one array parameter: a round trip less per append
 * than two inserts, and a statement whose size does not grow with the number of events. Rows get
 * their positions in the order given (`with ordinality ... order by`), so a stream's events keep
 * their version order in the outbox.
 */
export async function insertEventsWithOutbox(db: Db, schema: string, rows: NewEventRow[]): Promise<void> {
  const column = <K extends keyof NewEventRow>(key: K) => rows.map((r) => r[key] ?? null);
  await sql`
    with inserted as (
      insert into ${sql.table(`${schema}.events`)} (id, stream, version, type, schema_version, occurred_at, correlation_id, causation_id, account_id, trace_parent, data)
      select id, stream, version, type, schema_version, occurred_at, correlation_id, causation_id, account_id, trace_parent, data::jsonb
      from unnest(${column('id')}::uuid[], ${column('stream')}::text[], ${column('version')}::integer[], ${column('type')}::text[],
                  ${column('schema_version')}::integer[], ${column('occurred_at')}::timestamptz[], ${column('correlation_id')}::text[],
                  ${column('causation_id')}::text[], ${column('account_id')}::text[], ${column('trace_parent')}::text[], ${column('data')}::text[])
        with ordinality as r(id, stream, version, type, schema_version, occurred_at, correlation_id, causation_id, account_id, trace_parent, data, ord)
      order by ord
      returning position, id
    )
    insert into ${sql.table(`${schema}.outbox`)} (position, event_id) select position, id from inserted`.execute(db);
}

/** The current version of each of `streams` that has events (one query). */
export async function currentVersionsOf(db: Db, schema: string, streams: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await sql<{ stream: string; version: number }>`
    select stream, max(version) as version from ${sql.table(`${schema}.events`)} where stream = any(${streams}::text[]) group by stream`.execute(db);
  return new Map(rows.map((r) => [r.stream, Number(r.version)]));
}

export async function selectStream(db: Db, schema: string, stream: string): Promise<EventRow[]> {
  return (await db.withSchema(schema).selectFrom('events').selectAll().where('stream', '=', stream).orderBy('version').execute()) as EventRow[];
}
