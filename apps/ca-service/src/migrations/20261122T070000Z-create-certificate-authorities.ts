import { sql, type Kysely, type Migration } from 'kysely';

/** Frozen: never edit; add a new migration instead. */
export function createCertificateAuthorities(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createSchema(schema).ifNotExists().execute();
      const s = db.schema.withSchema(schema);
      await s
        .createTable('certificate_authorities')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('arn', 'text', (c) => c.notNull().unique())
        .addColumn('owner_account', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('configuration', 'jsonb', (c) => c.notNull())
        .addColumn('revocation_configuration', 'jsonb', (c) => c.notNull())
        .addColumn('usage_mode', 'text', (c) => c.notNull())
        .addColumn('key_storage_security_standard', 'text', (c) => c.notNull())
        .addColumn('tags', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('last_state_change_at', 'timestamptz', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      // Serves listCertificateAuthoritiesByOwner: ListCertificateAuthorities pages in creation order.
      await s.createIndex('certificate_authorities_owner_created_idx').on('certificate_authorities').columns(['owner_account', 'created_at', 'id']).execute();
      await s
        .createTable('idempotency_tokens')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('token', 'text', (c) => c.notNull())
        .addColumn('arn', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('idempotency_tokens_pk', ['account_id', 'token'])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.withSchema(schema).dropTable('idempotency_tokens').execute();
      await db.schema.withSchema(schema).dropTable('certificate_authorities').execute();
    },
  };
}
