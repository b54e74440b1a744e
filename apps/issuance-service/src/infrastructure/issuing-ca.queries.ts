import type { IssuanceDb } from './database';
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

export async function findIssuingCaByArn(db: IssuanceDb, arn: string): Promise<IssuingCaRow | undefined> {
  return db.selectFrom('issuing_cas').selectAll().where('arn', '=', arn).executeTakeFirst();
}

export async function findIssuingCaById(db: IssuanceDb, id: string): Promise<IssuingCaRow | undefined> {
  return db.selectFrom('issuing_cas').selectAll().where('id', '=', id).executeTakeFirst();
}
