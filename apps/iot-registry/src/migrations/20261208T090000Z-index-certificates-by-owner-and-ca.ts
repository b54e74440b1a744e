import type { Kysely, Migration } from 'kysely';

/**
 * Serves listCertificates with a CA (ListCertificatesByCA): one account's certificates of one CA
 * certificate, keyset-paginated by (creation_date, certificate_id), read in index order. Without
 * it Postgres combined the owner and CA indexes and sorted every certificate of the CA for each
 * page (bench:scale's EXPLAIN: BitmapAnd + Sort), a cost that grows with the CA.
 * Frozen: never edit; add a new migration instead.
 */
export function indexCertificatesByOwnerAndCa(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .withSchema(schema)
        .createIndex('certificates_owner_ca_created_idx')
        .on('certificates')
        .columns(['owned_by', 'ca_certificate_id', 'creation_date', 'certificate_id'])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.withSchema(schema).dropIndex('certificates_owner_ca_created_idx').execute();
    },
  };
}
