import type { Kysely, Migration } from 'kysely';

/** Frozen: never edit; add a new migration instead. */
export function createAuditReports(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createSchema(schema).ifNotExists().execute();
      const s = db.schema.withSchema(schema);
      await s
        .createTable('audit_records')
        .addColumn('certificate_arn', 'text', (c) => c.primaryKey())
        .addColumn('certificate_authority_id', 'text', (c) => c.notNull())
        .addColumn('serial', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('requested_by_service_principal', 'text')
        .addColumn('subject', 'text')
        .addColumn('not_before', 'timestamptz')
        .addColumn('not_after', 'timestamptz')
        .addColumn('issued_at', 'timestamptz')
        .addColumn('template_arn', 'text')
        .addColumn('revoked_at', 'timestamptz')
        .addColumn('revocation_reason', 'text')
        .execute();
      // Serves listAuditRecords: one CA's certificates in issuance order.
      await s.createIndex('audit_records_ca_issued_idx').on('audit_records').columns(['certificate_authority_id', 'issued_at', 'serial']).execute();
      await s
        .createTable('audit_reports')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('certificate_authority_id', 'text', (c) => c.notNull())
        .addColumn('certificate_authority_arn', 'text', (c) => c.notNull())
        .addColumn('owner_account', 'text', (c) => c.notNull())
        .addColumn('s3_bucket_name', 'text', (c) => c.notNull())
        .addColumn('s3_key', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('completed_at', 'timestamptz')
        .addColumn('failure_reason', 'text')
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      // Serves findStaleCreatingReports: the recovery worker's scan of unfinished reports.
      await s.createIndex('audit_reports_status_created_idx').on('audit_reports').columns(['status', 'created_at']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.withSchema(schema).dropTable('audit_reports').execute();
      await db.schema.withSchema(schema).dropTable('audit_records').execute();
    },
  };
}
