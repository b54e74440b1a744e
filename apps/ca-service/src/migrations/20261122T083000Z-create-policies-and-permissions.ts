import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Read models of resource policies and service-principal permissions. Frozen: never edit;
 * add a new migration instead. Rows cascade away with their CA's row, so a CA removed for
 * good leaves no grants behind (the event streams stay as history).
 */
export function createPoliciesAndPermissions(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      const ca = (c: any) => c.notNull().references(`${schema}.certificate_authorities.id`).onDelete('cascade');
      await s
        .createTable('ca_policies')
        .addColumn('ca_id', 'uuid', (c) => ca(c).primaryKey())
        .addColumn('ca_arn', 'text', (c) => c.notNull().unique())
        .addColumn('owner_account', 'text', (c) => c.notNull())
        .addColumn('policy', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      await s
        .createTable('ca_policy_grants')
        .addColumn('ca_id', 'uuid', (c) => ca(c))
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('actions', 'jsonb', (c) => c.notNull())
        .addPrimaryKeyConstraint('ca_policy_grants_pk', ['ca_id', 'account_id'])
        .execute();
      // Serves listCertificateAuthoritiesSharedWith: the CAs shared with one account.
      await s.createIndex('ca_policy_grants_account_idx').on('ca_policy_grants').columns(['account_id', 'ca_id']).execute();
      await s
        .createTable('ca_permissions')
        .addColumn('ca_id', 'uuid', (c) => ca(c))
        .addColumn('ca_arn', 'text', (c) => c.notNull())
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('source_account', 'text', (c) => c.notNull())
        .addColumn('actions', 'jsonb', (c) => c.notNull())
        .addColumn('policy', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('ca_permissions_pk', ['ca_id', 'principal', 'source_account'])
        .execute();
      // Serves listPermissionsPage: one CA's permissions in creation order.
      await s.createIndex('ca_permissions_ca_created_idx').on('ca_permissions').columns(['ca_id', 'created_at', 'principal', 'source_account']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      await s.dropTable('ca_permissions').execute();
      await s.dropTable('ca_policy_grants').execute();
      await s.dropTable('ca_policies').execute();
    },
  };
}
