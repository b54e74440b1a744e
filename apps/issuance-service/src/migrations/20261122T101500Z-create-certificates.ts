import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The certificates read model (written in the append's transaction) and the IdempotencyToken
 * claims of IssueCertificate. Frozen: never edit; add a new migration instead.
 */
export function createCertificates(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      await s
        .createTable('certificates')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('ca_id', 'uuid', (c) => c.notNull())
        .addColumn('serial', 'text', (c) => c.notNull())
        .addColumn('arn', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('REQUESTED', 'ISSUED', 'FAILED')`))
        .addColumn('certificate_der', 'bytea')
        .addColumn('certificate_chain_pem', 'text')
        .addColumn('failure_reason', 'text')
        .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        // Serials are unique per CA (RFC 5280 §4.1.2.2); a colliding insert fails here and the
        // issuer retries with a fresh serial. Also serves GetCertificate's lookup (ca_id, serial).
        .addUniqueConstraint('certificates_ca_serial_key', ['ca_id', 'serial'])
        .execute();
      // Serves the recovery of requests whose signature was never recorded (status REQUESTED, oldest first).
      await s.createIndex('certificates_requested_idx').on('certificates').column('requested_at').where(sql.ref('status'), '=', 'REQUESTED').execute();

      await s
        .createTable('idempotency_tokens')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('ca_id', 'uuid', (c) => c.notNull())
        .addColumn('token', 'text', (c) => c.notNull())
        .addColumn('certificate_arn', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        // One live claim per (account, CA, token); serves the lookup of an earlier request.
        .addPrimaryKeyConstraint('idempotency_tokens_pkey', ['account_id', 'ca_id', 'token'])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.withSchema(schema).dropTable('idempotency_tokens').execute();
      await db.schema.withSchema(schema).dropTable('certificates').execute();
    },
  };
}
