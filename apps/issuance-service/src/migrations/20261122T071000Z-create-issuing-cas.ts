import type { Kysely, Migration } from 'kysely';

/** Frozen: never edit; add a new migration instead. */
export function createIssuingCas(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createSchema(schema).ifNotExists().execute();
      await db.schema
        .withSchema(schema)
        .createTable('issuing_cas')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('arn', 'text', (c) => c.notNull().unique())
        .addColumn('owner_account', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('key_algorithm', 'text', (c) => c.notNull())
        .addColumn('signing_algorithm', 'text', (c) => c.notNull())
        .addColumn('usage_mode', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.withSchema(schema).dropTable('issuing_cas').execute();
    },
  };
}
