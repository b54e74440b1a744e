import { CompiledOnce } from '@pki/eventstore';
import type { Kysely } from 'kysely';
import { ISSUANCE_SCHEMA, type IssuanceDatabase, type IssuanceDb } from './database';
import type { IssuingCaRow, IssuingCaUpdate, NewIssuingCaRow } from './tables/issuing-ca.table';

/** Idempotent: a replayed creation event leaves the row as it is. */
export async function insertIssuingCa(db: IssuanceDb, row: NewIssuingCaRow): Promise<void> {
  await db.insertInto('issuing_cas').values(row).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/**
 * Applies a later CA event: only when `version` is newer than the row's, so a replayed or
 * out-of-date event changes nothing.
 */
export async function updateIssuingCa(db: IssuanceDb, id: string, version: number, changes: IssuingCaUpdate): Promise<void> {
  await db
    .updateTable('issuing_cas')
    .set({ ...changes, version })
    .where('id', '=', id)
    .where('version', '<', version)
    .execute();
}

/** The stream version the CA's row reflects (locked until the transaction ends), or undefined without a row. */
export async function lockedIssuingCaVersion(db: IssuanceDb, id: string): Promise<number | undefined> {
  const row = await db.selectFrom('issuing_cas').select('version').where('id', '=', id).forUpdate().executeTakeFirst();
  return row === undefined ? undefined : Number(row.version);
}

/** Every IssueCertificate and GetCertificate that misses the in-process view looks its CA up: compiled once (CompiledOnce). */
const issuingCaByArn = new CompiledOnce((db: Kysely<any>, arn: string) => (db as Kysely<IssuanceDatabase>).withSchema(ISSUANCE_SCHEMA).selectFrom('issuing_cas').selectAll().where('arn', '=', arn));

export async function findIssuingCaByArn(db: IssuanceDb, arn: string): Promise<IssuingCaRow | undefined> {
  return (await issuingCaByArn.execute(db, arn)).rows[0];
}

export async function findIssuingCaById(db: IssuanceDb, id: string): Promise<IssuingCaRow | undefined> {
  return db.selectFrom('issuing_cas').selectAll().where('id', '=', id).executeTakeFirst();
}
