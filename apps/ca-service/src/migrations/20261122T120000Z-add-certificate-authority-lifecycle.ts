import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Frozen: never edit; add a new migration instead. The CertificateAuthority members that the
 * lifecycle fills in (Serial, NotBefore, NotAfter, FailureReason, RestorableUntil), the CSR and
 * imported certificate, and the background worker's lease on CAs whose key it is creating.
 */
export function addCertificateAuthorityLifecycle(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      await s
        .alterTable('certificate_authorities')
        .addColumn('serial', 'text')
        .addColumn('not_before', 'timestamptz')
        .addColumn('not_after', 'timestamptz')
        .addColumn('failure_reason', 'text')
        .addColumn('restorable_until', 'timestamptz')
        .addColumn('csr', 'text')
        .addColumn('certificate', 'text')
        .addColumn('certificate_chain', 'text')
        .addColumn('work_lease_until', 'timestamptz')
        .execute();
      // Serves findCertificateAuthoritiesAwaitingCsr: the key/CSR worker's queue.
      await s.createIndex('certificate_authorities_creating_idx').on('certificate_authorities').column('created_at').where(sql.ref('status'), '=', 'CREATING').execute();
      // Serves findCertificateAuthoritiesPastRestoreWindow: permanent deletion.
      await s.createIndex('certificate_authorities_deleted_idx').on('certificate_authorities').column('restorable_until').where(sql.ref('status'), '=', 'DELETED').execute();
      // Serves findExpiredCertificateAuthorities: ACTIVE/DISABLED CAs whose certificate's notAfter passed.
      await s
        .createIndex('certificate_authorities_not_after_idx')
        .on('certificate_authorities')
        .column('not_after')
        .where(sql<boolean>`status in ('ACTIVE', 'DISABLED')`)
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      for (const index of ['certificate_authorities_creating_idx', 'certificate_authorities_deleted_idx', 'certificate_authorities_not_after_idx']) {
        await s.dropIndex(index).ifExists().execute();
      }
      await s
        .alterTable('certificate_authorities')
        .dropColumn('serial')
        .dropColumn('not_before')
        .dropColumn('not_after')
        .dropColumn('failure_reason')
        .dropColumn('restorable_until')
        .dropColumn('csr')
        .dropColumn('certificate')
        .dropColumn('certificate_chain')
        .dropColumn('work_lease_until')
        .execute();
    },
  };
}
