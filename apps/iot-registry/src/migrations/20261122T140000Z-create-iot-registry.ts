import type { Kysely, Migration } from 'kysely';

/** Frozen: never edit; add a new migration instead. */
export function createIotRegistry(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createSchema(schema).ifNotExists().execute();
      const s = db.schema.withSchema(schema);
      await s
        .createTable('registration_codes')
        .addColumn('account_id', 'text', (c) => c.primaryKey())
        .addColumn('registration_code', 'text', (c) => c.notNull())
        .execute();
      await s
        .createTable('ca_certificates')
        .addColumn('certificate_id', 'text', (c) => c.primaryKey())
        .addColumn('certificate_arn', 'text', (c) => c.notNull())
        .addColumn('owned_by', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('auto_registration_status', 'text', (c) => c.notNull())
        .addColumn('certificate_mode', 'text', (c) => c.notNull())
        .addColumn('certificate_pem', 'text', (c) => c.notNull())
        .addColumn('registration_config', 'jsonb')
        .addColumn('template_name', 'text')
        .addColumn('creation_date', 'timestamptz', (c) => c.notNull())
        .addColumn('last_modified_date', 'timestamptz', (c) => c.notNull())
        .addColumn('customer_version', 'integer', (c) => c.notNull())
        .addColumn('generation_id', 'text', (c) => c.notNull())
        .addColumn('not_before', 'timestamptz', (c) => c.notNull())
        .addColumn('not_after', 'timestamptz', (c) => c.notNull())
        .execute();
      // Serves listCaCertificates: one account's CA certificates by creation date.
      await s.createIndex('ca_certificates_owner_created_idx').on('ca_certificates').columns(['owned_by', 'creation_date', 'certificate_id']).execute();
      await s
        .createTable('certificates')
        .addColumn('certificate_id', 'text', (c) => c.primaryKey())
        .addColumn('certificate_arn', 'text', (c) => c.notNull())
        .addColumn('owned_by', 'text', (c) => c.notNull())
        .addColumn('previous_owned_by', 'text')
        .addColumn('ca_certificate_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('certificate_mode', 'text', (c) => c.notNull())
        .addColumn('certificate_pem', 'text', (c) => c.notNull())
        .addColumn('creation_date', 'timestamptz', (c) => c.notNull())
        .addColumn('last_modified_date', 'timestamptz', (c) => c.notNull())
        .addColumn('customer_version', 'integer', (c) => c.notNull())
        .addColumn('generation_id', 'text', (c) => c.notNull())
        .addColumn('not_before', 'timestamptz', (c) => c.notNull())
        .addColumn('not_after', 'timestamptz', (c) => c.notNull())
        .addColumn('transfer', 'jsonb')
        .addColumn('transfer_target', 'text')
        .execute();
      // Serves listCertificatesByCa and countCertificatesOfCa.
      await s.createIndex('certificates_ca_created_idx').on('certificates').columns(['ca_certificate_id', 'creation_date', 'certificate_id']).execute();
      // Serves listCertificates: one account's certificates by creation date.
      await s.createIndex('certificates_owner_created_idx').on('certificates').columns(['owned_by', 'creation_date', 'certificate_id']).execute();
      // Effects of other services' events (issuer revocations, auto-registrations), written by the
      // projections and turned into this service's own events by the effects worker.
      await s
        .createTable('pending_effects')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('certificate_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      // Serves takePendingEffects: oldest first.
      await s.createIndex('pending_effects_created_idx').on('pending_effects').columns(['created_at', 'id']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      for (const table of ['pending_effects', 'certificates', 'ca_certificates', 'registration_codes']) await s.dropTable(table).execute();
    },
  };
}
