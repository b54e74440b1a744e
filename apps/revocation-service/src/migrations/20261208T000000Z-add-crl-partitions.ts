import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Partitioned CRLs (CrlConfiguration.CrlType PARTITIONED, CustomPath): the two settings in the CA
 * view, the partition each issued and revoked certificate is bound to (null: the CA's complete
 * CRL), and per partition its CRL's dirty mark and publication state (what crl_states is for the
 * complete CRL). Frozen: never edit; add a new migration instead.
 */
export function addCrlPartitions(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      await s.alterTable('cas').addColumn('crl_type', 'text', (c) => c.notNull().defaultTo('COMPLETE')).addColumn('crl_custom_path', 'text').execute();
      await s.alterTable('issued_certificates').addColumn('crl_partition', 'uuid').execute();
      await s.alterTable('revocations').addColumn('crl_partition', 'uuid').execute();
      // One partition's entries (the partition CRL's COPY), read from the index alone (it covers every
      // column the COPY reads): a partition's revocations are spread over the whole table, one page
      // each. The complete CRL keeps revocations_ca_not_after_idx.
      await sql`create index revocations_ca_partition_idx on ${sql.id(schema, 'revocations')} (ca_id, crl_partition)
        include (serial, revoked_at, reason, not_after) where crl_partition is not null`.execute(db);
      await s
        .createTable('crl_partitions')
        .addColumn('ca_id', 'uuid', (c) => c.notNull())
        .addColumn('partition_id', 'uuid', (c) => c.notNull())
        // Where its CRL lives, fixed when the partition was opened (CertificateIssuedV1.crlPartition).
        .addColumn('bucket', 'text', (c) => c.notNull())
        .addColumn('object_key', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        // The latest notAfter of its certificates: once a CRL issued after it has been published, the partition is done.
        .addColumn('max_not_after', 'timestamptz', (c) => c.notNull())
        .addColumn('dirty_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('dirty_since', 'timestamptz')
        .addColumn('generated_dirty_seq', 'bigint')
        .addColumn('generated_config_seq', 'integer', (c) => c.notNull().defaultTo(-1))
        .addColumn('crl_number', 'numeric(49, 0)')
        .addColumn('this_update', 'timestamptz')
        .addColumn('next_update', 'timestamptz')
        .addColumn('entry_count', 'integer')
        .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('retry_after', 'timestamptz')
        .addColumn('last_error', 'text')
        .addColumn('pending_event', 'jsonb')
        .addPrimaryKeyConstraint('crl_partitions_pkey', ['ca_id', 'partition_id'])
        .execute();
      // The gateway's CustomCname route asks which partition CRL a key is.
      await s.createIndex('crl_partitions_object_key_idx').on('crl_partitions').column('object_key').execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      await s.dropTable('crl_partitions').execute();
      await s.dropIndex('revocations_ca_partition_idx').execute();
      await s.alterTable('revocations').dropColumn('crl_partition').execute();
      await s.alterTable('issued_certificates').dropColumn('crl_partition').execute();
      await s.alterTable('cas').dropColumn('crl_type').dropColumn('crl_custom_path').execute();
    },
  };
}
