import type { Kysely, Migration } from 'kysely';

/**
 * Frozen: never edit; add a new migration instead.
 *
 * certificate_signatures: the one signature of each certificate (issue #12: SignData is
 * idempotent per certificate). Written in the transaction that appends the signature's
 * CaKeyUsed event (key_used_event_id), so a signature is kept exactly when its audit record is.
 * Holds a signature and hashes, never key material or the signed bytes.
 */
export function createCertificateSignatures(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .withSchema(schema)
        .createTable('certificate_signatures')
        // Primary key serves findCertificateSignature (SignData's lookup by certificate id) and
        // decides which of two replicas racing for one certificate keeps its signature.
        .addColumn('certificate_id', 'text', (c) => c.primaryKey())
        .addColumn('certificate_authority_id', 'text', (c) => c.notNull())
        .addColumn('signing_algorithm', 'text', (c) => c.notNull())
        .addColumn('tbs_sha256', 'text', (c) => c.notNull())
        .addColumn('signature', 'bytea', (c) => c.notNull())
        .addColumn('key_used_event_id', 'uuid', (c) => c.notNull())
        .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.withSchema(schema).dropTable('certificate_signatures').execute();
    },
  };
}
