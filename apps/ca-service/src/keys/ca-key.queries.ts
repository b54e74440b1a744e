import type { Kysely } from 'kysely';
import { CA_SCHEMA } from '../infrastructure/database';
import type { CaKeyDatabase, CaKeyRow, NewCaKeyRow } from './ca-key.table';
import type { SealedPrivateKey } from './envelope-encryption';

export function caKeyDb(db: Kysely<any>): Kysely<CaKeyDatabase> {
  return db.withSchema(CA_SCHEMA) as Kysely<CaKeyDatabase>;
}

/** The envelope of a software key row (the table's check constraint makes these columns non-null for software rows). */
export function sealedPrivateKeyOf(row: CaKeyRow): SealedPrivateKey {
  if (!row.kek_id || !row.wrapped_dek || !row.dek_iv || !row.dek_tag || !row.ciphertext || !row.iv || !row.tag) {
    throw new Error(`the stored key of CA ${row.ca_id} is incomplete`);
  }
  return { kekId: row.kek_id, wrappedDek: row.wrapped_dek, dekIv: row.dek_iv, dekTag: row.dek_tag, ciphertext: row.ciphertext, iv: row.iv, tag: row.tag };
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

/** KEK rotation: software keys not wrapped under `currentKekId`, in CA id order after `afterCaId` (keyset paging). */
export async function findCaKeysNotUnderKek(db: Kysely<CaKeyDatabase>, currentKekId: string, afterCaId: string | undefined, limit: number): Promise<CaKeyRow[]> {
  let query = db.selectFrom('ca_keys').selectAll().where('backend', '=', 'software').where('kek_id', '<>', currentKekId);
  if (afterCaId !== undefined) query = query.where('ca_id', '>', afterCaId);
  return query.orderBy('ca_id').limit(limit).execute();
}

export interface WrappedDek {
  readonly kekId: string;
  readonly wrappedDek: Buffer;
  readonly dekIv: Buffer;
  readonly dekTag: Buffer;
}

/**
 * Replaces a row's wrapped data key, compare-and-set on the wrapping read (KEK id and wrapped
 * DEK): one statement, so a crash leaves the old wrapping or the new one, and a row another
 * re-wrapper changed (or a destroyed key) is left alone. True when this call changed the row.
 */
export async function replaceWrappedDek(db: Kysely<CaKeyDatabase>, certificateAuthorityId: string, expected: Pick<WrappedDek, 'kekId' | 'wrappedDek'>, next: WrappedDek): Promise<boolean> {
  const result = await db
    .updateTable('ca_keys')
    .set({ kek_id: next.kekId, wrapped_dek: next.wrappedDek, dek_iv: next.dekIv, dek_tag: next.dekTag })
    .where('ca_id', '=', certificateAuthorityId)
    .where('kek_id', '=', expected.kekId)
    .where('wrapped_dek', '=', expected.wrappedDek)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Software keys per KEK id: what a rotation still has to do, and when an old KEK may go. */
export async function countCaKeysByKek(db: Kysely<CaKeyDatabase>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('ca_keys').select(['kek_id', (eb) => eb.fn.countAll<string>().as('count')]).where('backend', '=', 'software').groupBy('kek_id').execute();
  return new Map(rows.map((row) => [row.kek_id ?? 'none', Number(row.count)]));
}
