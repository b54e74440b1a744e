import type { Kysely, Migration } from 'kysely';

/**
 * Resource policies of CAs (ca-service's PolicyPut / PolicyDeleted), so issuance can let other
 * accounts issue and read certificates as the CA owner allowed. One row per CA; `policy` is null
 * after PolicyDeleted; `version` is the ca-policy stream version the row reflects.
 * Frozen: never edit; add a new migration instead.
 */
export function createCaPolicies(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .withSchema(schema)
        .createTable('ca_policies')
        .addColumn('ca_id', 'text', (c) => c.primaryKey())
        .addColumn('ca_arn', 'text', (c) => c.notNull())
        .addColumn('policy', 'text')
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.withSchema(schema).dropTable('ca_policies').execute();
    },
  };
}
