import type { IssuanceDb } from './database';
import type { IssuingCaRow, NewIssuingCaRow } from './tables/issuing-ca.table';

/** Idempotent: a replayed creation event leaves the row as it is. */
export async function insertIssuingCa(db: IssuanceDb, row: NewIssuingCaRow): Promise<void> {
  await db.insertInto('issuing_cas').values(row).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export async function findIssuingCaByArn(db: IssuanceDb, arn: string): Promise<IssuingCaRow | undefined> {
  return db.selectFrom('issuing_cas').selectAll().where('arn', '=', arn).executeTakeFirst();
}
