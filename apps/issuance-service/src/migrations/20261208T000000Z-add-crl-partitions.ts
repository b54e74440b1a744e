import type { Kysely, Migration } from 'kysely';

/**
 * Partitioned CRLs (CrlConfiguration.CrlType PARTITIONED, CustomPath): the two settings in the
 * issuing-CA view, and the cursor each CA's partitions are allocated from (issuance writes a
 * certificate's partition into its CRL distribution point). Frozen: never edit; add a new
 * migration instead.
 */
export function addCrlPartitions(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .withSchema(schema)
        .alterTable('issuing_cas')
        .addColumn('crl_type', 'text', (c) => c.notNull().defaultTo('COMPLETE'))
        .addColumn('crl_custom_path', 'text')
        .execute();
      await db.schema
        .withSchema(schema)
        .createTable('crl_partition_cursors')
        .addColumn('ca_id', 'text', (c) => c.primaryKey())
        .addColumn('partition_id', 'text', (c) => c.notNull())
        .addColumn('partition_index', 'integer', (c) => c.notNull())
        .addColumn('allocated', 'integer', (c) => c.notNull())
        // Where the current partition's CRL is published (bucket and URL form): a change opens a new partition.
        .addColumn('location', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.withSchema(schema).dropTable('crl_partition_cursors').execute();
      await db.schema.withSchema(schema).alterTable('issuing_cas').dropColumn('crl_type').dropColumn('crl_custom_path').execute();
    },
  };
}
