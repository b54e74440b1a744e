import { sql, type Kysely, type Migration } from 'kysely';

/** Frozen: never edit; add a new migration instead. */
export function createRevocationReadModels(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createSchema(schema).ifNotExists().execute();
      const s = db.schema.withSchema(schema);
      await s
        .createTable('cas')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('arn', 'text', (c) => c.notNull().unique())
        .addColumn('owner_account', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('signing_algorithm', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('certificate_der', 'bytea')
        .addColumn('certificate_serial', 'text')
        .addColumn('subject', 'text')
        .addColumn('subject_der', 'bytea')
        .addColumn('subject_key_identifier', 'bytea')
        .addColumn('public_key_spki', 'bytea')
        .addColumn('responder_key_hash', 'bytea')
        .addColumn('crl_enabled', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('crl_expiration_days', 'integer', (c) => c.notNull().defaultTo(7))
        .addColumn('crl_s3_bucket_name', 'text')
        .addColumn('crl_custom_cname', 'text')
        .addColumn('crl_s3_object_acl', 'text', (c) => c.notNull().defaultTo('PUBLIC_READ'))
        .addColumn('ocsp_enabled', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('ocsp_custom_cname', 'text')
        .addColumn('config_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('crl_dirty_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('crl_dirty_since', 'timestamptz')
        .execute();
      // The CRL worker's scan: CAs whose CRL is enabled.
      await s.createIndex('cas_crl_enabled_idx').on('cas').column('crl_enabled').where(sql.ref('crl_enabled'), '=', true).execute();

      // OCSP: CertID -> CA (issuerKeyHash under the request's hash algorithm, then issuerNameHash).
      await s
        .createTable('ca_key_hashes')
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'bytea', (c) => c.notNull())
        .addColumn('ca_id', 'uuid', (c) => c.notNull())
        .addColumn('name_hash', 'bytea', (c) => c.notNull())
        .addPrimaryKeyConstraint('ca_key_hashes_pkey', ['hash', 'key_hash', 'ca_id'])
        .execute();

      await s
        .createTable('issued_certificates')
        .addColumn('ca_id', 'uuid', (c) => c.notNull())
        .addColumn('serial', 'text', (c) => c.notNull())
        .addColumn('certificate_arn', 'text', (c) => c.notNull())
        .addColumn('issuer_dn', 'text', (c) => c.notNull())
        .addColumn('sha256_fingerprint', 'text', (c) => c.notNull())
        .addColumn('not_after', 'timestamptz', (c) => c.notNull())
        .addColumn('certificate_der', 'bytea', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('event_id', 'uuid', (c) => c.notNull())
        .addPrimaryKeyConstraint('issued_certificates_pkey', ['ca_id', 'serial'])
        .execute();

      await s
        .createTable('revocations')
        .addColumn('ca_id', 'uuid', (c) => c.notNull())
        .addColumn('serial', 'text', (c) => c.notNull())
        .addColumn('certificate_arn', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'timestamptz', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('not_after', 'timestamptz', (c) => c.notNull())
        .addColumn('event_id', 'uuid', (c) => c.notNull())
        .addPrimaryKeyConstraint('revocations_pkey', ['ca_id', 'serial'])
        .execute();
      // The CRL cursor: a CA's revocations whose certificate had not expired before the previous CRL.
      await s.createIndex('revocations_ca_not_after_idx').on('revocations').columns(['ca_id', 'not_after']).execute();

      // cRLNumber allocation: one row per CA, incremented in its own committed statement.
      await s
        .createTable('crl_numbers')
        .addColumn('ca_id', 'uuid', (c) => c.primaryKey())
        .addColumn('last_number', 'numeric(49, 0)', (c) => c.notNull())
        .execute();

      // The published CRL of each CA; its row lock serializes generation across replicas.
      await s
        .createTable('crl_states')
        .addColumn('ca_id', 'uuid', (c) => c.primaryKey())
        .addColumn('generated_dirty_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('generated_config_seq', 'integer', (c) => c.notNull().defaultTo(-1))
        .addColumn('crl_number', 'numeric(49, 0)')
        .addColumn('this_update', 'timestamptz')
        .addColumn('next_update', 'timestamptz')
        .addColumn('entry_count', 'integer')
        .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('retry_after', 'timestamptz')
        .addColumn('last_error', 'text')
        // CrlGenerated of the last publication until it is in the event store (crash-safe).
        .addColumn('pending_event', 'jsonb')
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const table of ['crl_states', 'crl_numbers', 'revocations', 'issued_certificates', 'ca_key_hashes', 'cas']) {
        await db.schema.withSchema(schema).dropTable(table).execute();
      }
    },
  };
}
