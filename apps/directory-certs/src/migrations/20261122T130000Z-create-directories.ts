import type { Kysely, Migration } from 'kysely';

/** Frozen: never edit; add a new migration instead. */
export function createDirectories(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createSchema(schema).ifNotExists().execute();
      const s = db.schema.withSchema(schema);
      await s
        .createTable('directories')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('directory_type', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('stage_last_updated', 'timestamptz', (c) => c.notNull())
        .addColumn('launch_time', 'timestamptz', (c) => c.notNull())
        .addColumn('description', 'jsonb', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      // Serves listDirectories (DescribeDirectories pages in launch order) and countDirectories.
      await s.createIndex('directories_account_launch_idx').on('directories').columns(['account_id', 'launch_time', 'id']).execute();
      // Serves findDirectoriesDue (the provisioning worker).
      await s.createIndex('directories_stage_idx').on('directories').columns(['stage', 'stage_last_updated']).execute();
      await s
        .createTable('directory_certificates')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('directory_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('state_reason', 'text')
        .addColumn('common_name', 'text', (c) => c.notNull())
        .addColumn('sha256_fingerprint', 'text', (c) => c.notNull())
        .addColumn('certificate_pem', 'text', (c) => c.notNull())
        .addColumn('registered_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expiry_at', 'timestamptz', (c) => c.notNull())
        .addColumn('ocsp_url', 'text')
        .addColumn('state_changed_at', 'timestamptz', (c) => c.notNull())
        .addColumn('revoked_at', 'timestamptz')
        .addColumn('revocation_reason', 'text')
        .addColumn('revoked_certificate_arn', 'text')
        .execute();
      // Serves listCertificates (ListCertificates pages in registration order).
      await s.createIndex('directory_certificates_directory_idx').on('directory_certificates').columns(['directory_id', 'registered_at', 'id']).execute();
      // Serves markRevoked (the revocation projection matches by fingerprint).
      await s.createIndex('directory_certificates_fingerprint_idx').on('directory_certificates').column('sha256_fingerprint').execute();
      // Serves findCertificatesDue (the registration worker).
      await s.createIndex('directory_certificates_state_idx').on('directory_certificates').columns(['state', 'state_changed_at']).execute();
      await s
        .createTable('revoked_certificates')
        .addColumn('sha256_fingerprint', 'text', (c) => c.primaryKey())
        .addColumn('certificate_arn', 'text', (c) => c.notNull())
        .addColumn('revocation_reason', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      await s.dropTable('revoked_certificates').execute();
      await s.dropTable('directory_certificates').execute();
      await s.dropTable('directories').execute();
    },
  };
}
