import type { Kysely, Migration } from 'kysely';

/** Frozen: never edit; add a new migration instead. Thing types, and the type of each thing. */
export function createThingTypes(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      await s
        .createTable('thing_types')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('thing_type_name', 'text', (c) => c.notNull())
        .addColumn('thing_type_id', 'text', (c) => c.notNull())
        .addColumn('thing_type_arn', 'text', (c) => c.notNull())
        .addColumn('thing_type_description', 'text')
        .addColumn('searchable_attributes', 'jsonb', (c) => c.notNull())
        .addColumn('deprecated', 'boolean', (c) => c.notNull())
        .addColumn('deprecation_date', 'timestamptz')
        .addColumn('creation_date', 'timestamptz', (c) => c.notNull())
        // The primary key serves findThingType and listThingTypes (one account's types by name).
        .addPrimaryKeyConstraint('thing_types_pkey', ['account_id', 'thing_type_name'])
        .execute();
      await s.alterTable('things').addColumn('thing_type_name', 'text').execute();
      // Serves listThings with thingTypeName and countThingsOfType (DeleteThingType).
      await s.createIndex('things_type_idx').on('things').columns(['account_id', 'thing_type_name', 'thing_name']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      await s.dropIndex('things_type_idx').execute();
      await s.alterTable('things').dropColumn('thing_type_name').execute();
      await s.dropTable('thing_types').execute();
    },
  };
}
