import type { Kysely, Transaction } from 'kysely';
import type { EventRow, NewEventRow } from './events.table';

type Db = Kysely<any> | Transaction<any>;

export async function currentVersion(db: Db, schema: string, stream: string): Promise<number> {
  const row = await db.withSchema(schema).selectFrom('events').select((eb) => eb.fn.max('version').as('version')).where('stream', '=', stream).executeTakeFirst();
  return Number(row?.version ?? 0);
}

export async function insertEvents(db: Db, schema: string, rows: NewEventRow[]): Promise<Array<{ position: string; id: string }>> {
  return db.withSchema(schema).insertInto('events').values(rows).returning(['position', 'id']).execute();
}

export async function selectStream(db: Db, schema: string, stream: string): Promise<EventRow[]> {
  return (await db.withSchema(schema).selectFrom('events').selectAll().where('stream', '=', stream).orderBy('version').execute()) as EventRow[];
}
