import type { Kysely, Migration } from 'kysely';

/** Frozen: never edit; add a new migration instead. Things, policies and their attachments to certificates. */
export function createThingsAndPolicies(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      await s
        .createTable('things')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('thing_name', 'text', (c) => c.notNull())
        .addColumn('thing_id', 'text', (c) => c.notNull())
        .addColumn('thing_arn', 'text', (c) => c.notNull())
        .addColumn('attributes', 'jsonb', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('creation_date', 'timestamptz', (c) => c.notNull())
        // The primary key serves findThing and listThings (one account's things by name).
        .addPrimaryKeyConstraint('things_pkey', ['account_id', 'thing_name'])
        .execute();
      await s
        .createTable('thing_principals')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('thing_name', 'text', (c) => c.notNull())
        .addColumn('certificate_id', 'text', (c) => c.notNull())
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('thing_principal_type', 'text', (c) => c.notNull())
        // Serves listThingPrincipals (one thing's principals, paged by principal).
        .addPrimaryKeyConstraint('thing_principals_pkey', ['account_id', 'thing_name', 'principal'])
        .execute();
      // Serves listPrincipalThings: one certificate's things by name.
      await s.createIndex('thing_principals_certificate_idx').on('thing_principals').columns(['account_id', 'certificate_id', 'thing_name']).execute();
      await s
        .createTable('policies')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('policy_name', 'text', (c) => c.notNull())
        .addColumn('policy_arn', 'text', (c) => c.notNull())
        .addColumn('policy_document', 'text', (c) => c.notNull())
        .addColumn('default_version_id', 'text', (c) => c.notNull())
        .addColumn('generation_id', 'text', (c) => c.notNull())
        .addColumn('creation_date', 'timestamptz', (c) => c.notNull())
        .addColumn('last_modified_date', 'timestamptz', (c) => c.notNull())
        // Serves findPolicy.
        .addPrimaryKeyConstraint('policies_pkey', ['account_id', 'policy_name'])
        .execute();
      await s
        .createTable('policy_targets')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('policy_name', 'text', (c) => c.notNull())
        .addColumn('certificate_id', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        // Serves listTargetsForPolicy (one policy's targets, paged by target).
        .addPrimaryKeyConstraint('policy_targets_pkey', ['account_id', 'policy_name', 'target'])
        .execute();
      // Serves listAttachedPolicies: one certificate's policies by name.
      await s.createIndex('policy_targets_certificate_idx').on('policy_targets').columns(['account_id', 'certificate_id', 'policy_name']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      for (const table of ['policy_targets', 'policies', 'thing_principals', 'things']) await s.dropTable(table).execute();
    },
  };
}
