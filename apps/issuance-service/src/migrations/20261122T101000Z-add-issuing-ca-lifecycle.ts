import type { Kysely, Migration } from 'kysely';

/**
 * What issuance needs from a CA beyond its creation: its key and CSR, its certificate and
 * chain (issuer Name, SKI, path length, notAfter), and its revocation configuration (URLs
 * written into issued certificates). Frozen: never edit; add a new migration instead.
 */
export function addIssuingCaLifecycle(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .withSchema(schema)
        .alterTable('issuing_cas')
        .addColumn('csr_pem', 'text')
        .addColumn('public_key_spki', 'bytea')
        .addColumn('certificate_pem', 'text')
        .addColumn('certificate_chain_pem', 'text')
        .addColumn('subject_der', 'bytea')
        .addColumn('subject_key_identifier', 'bytea')
        .addColumn('path_length', 'integer')
        .addColumn('not_after', 'timestamptz')
        .addColumn('crl_enabled', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('crl_s3_bucket_name', 'text')
        .addColumn('crl_custom_cname', 'text')
        .addColumn('crl_omit_extension', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('ocsp_enabled', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('ocsp_custom_cname', 'text')
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      const columns = ['csr_pem', 'public_key_spki', 'certificate_pem', 'certificate_chain_pem', 'subject_der', 'subject_key_identifier', 'path_length', 'not_after',
        'crl_enabled', 'crl_s3_bucket_name', 'crl_custom_cname', 'crl_omit_extension', 'ocsp_enabled', 'ocsp_custom_cname'];
      let alter = db.schema.withSchema(schema).alterTable('issuing_cas').dropColumn(columns[0]!);
      for (const c of columns.slice(1)) alter = alter.dropColumn(c);
      await alter.execute();
    },
  };
}
