import type { Kysely, Transaction } from 'kysely';
import { CA_SCHEMA } from '../infrastructure/database';
import type { CertificateSignatureDatabase, CertificateSignatureRow, NewCertificateSignatureRow } from './certificate-signature.table';

export function certificateSignatureDb(db: Kysely<any>): Kysely<CertificateSignatureDatabase> {
  return db.withSchema(CA_SCHEMA) as Kysely<CertificateSignatureDatabase>;
}

export async function findCertificateSignature(db: Kysely<CertificateSignatureDatabase>, certificateId: string): Promise<CertificateSignatureRow | undefined> {
  return db.selectFrom('certificate_signatures').selectAll().where('certificate_id', '=', certificateId).executeTakeFirst();
}

/**
 * Inserts the signatures unless their certificate already has one (kept by another replica);
 * returns the ids whose row is the one stored. One statement for a whole journal batch.
 */
export async function insertCertificateSignatures(trx: Transaction<any>, rows: readonly NewCertificateSignatureRow[]): Promise<Set<string>> {
  const inserted = await (trx.withSchema(CA_SCHEMA) as Transaction<CertificateSignatureDatabase>)
    .insertInto('certificate_signatures')
    .values([...rows])
    .onConflict((oc) => oc.column('certificate_id').doNothing())
    .returning('certificate_id')
    .execute();
  return new Set(inserted.map((r) => r.certificate_id));
}
