import { sql } from 'kysely';
import type { RevocationDb } from './database';
import type { IssuedCertificateRow, NewIssuedCertificateRow } from './tables/issued-certificate.table';
import type { NewRevocationRow } from './tables/revocation.table';

/** Idempotent: a redelivered CertificateIssued leaves the row as it is. */
export async function insertIssuedCertificate(db: RevocationDb, row: NewIssuedCertificateRow): Promise<void> {
  await insertIssuedCertificates(db, [row]);
}

/** Rows per statement: 9 parameters each, far below Postgres's 65,535 bind parameters. */
const INSERT_CHUNK = 500;

/**
 * `insertIssuedCertificate` for several rows, one statement per INSERT_CHUNK rows (a projection
 * batch is one round trip). A row whose (ca_id, serial) is already stored, or repeats an earlier
 * row of `rows`, is skipped: the first one stays, as with one insert per row in order.
 */
export async function insertIssuedCertificates(db: RevocationDb, rows: readonly NewIssuedCertificateRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await db
      .insertInto('issued_certificates')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.columns(['ca_id', 'serial']).doNothing())
      .execute();
  }
}

export async function findIssuedCertificate(db: RevocationDb, caId: string, serial: string): Promise<IssuedCertificateRow | undefined> {
  return db.selectFrom('issued_certificates').selectAll().where('ca_id', '=', caId).where('serial', '=', serial).executeTakeFirst();
}

export async function insertRevocation(db: RevocationDb, row: NewRevocationRow): Promise<void> {
  await db.insertInto('revocations').values(row).execute();
}

/** A revocation changes the CA's CRL: bump its dirty counter, remembering when the first unpublished one happened. */
export async function markCrlDirty(db: RevocationDb, caId: string, at: Date): Promise<void> {
  await db
    .updateTable('cas')
    .set((eb) => ({ crl_dirty_seq: sql<string>`crl_dirty_seq + 1`, crl_dirty_since: eb.fn.coalesce('crl_dirty_since', eb.val(at)) }))
    .where('id', '=', caId)
    .execute();
}
