import type { Kysely } from 'kysely';
import { CA_SCHEMA } from '../infrastructure/database';
import type { CaKeyDatabase, CaKeyRow, NewCaKeyRow } from './ca-key.table';

export function caKeyDb(db: Kysely<any>): Kysely<CaKeyDatabase> {
  return db.withSchema(CA_SCHEMA) as Kysely<CaKeyDatabase>;
}

export async function findCaKey(db: Kysely<CaKeyDatabase>, certificateAuthorityId: string): Promise<CaKeyRow | undefined> {
  return db.selectFrom('ca_keys').selectAll().where('ca_id', '=', certificateAuthorityId).executeTakeFirst();
}

/** Inserts unless the CA already has a key; true when this row is the one stored. */
export async function insertCaKeyIfAbsent(db: Kysely<CaKeyDatabase>, row: NewCaKeyRow): Promise<boolean> {
  const inserted = await db.insertInto('ca_keys').values(row).onConflict((oc) => oc.column('ca_id').doNothing()).returning('ca_id').executeTakeFirst();
  return inserted !== undefined;
}

export async function deleteCaKey(db: Kysely<CaKeyDatabase>, certificateAuthorityId: string): Promise<void> {
  await db.deleteFrom('ca_keys').where('ca_id', '=', certificateAuthorityId).execute();
}
