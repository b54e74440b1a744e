import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Frozen: never edit; add a new migration instead.
 *
 * ca_keys: one key pair per CA. Software keys keep their envelope-encrypted PKCS #8 here (the
 * KEK is configuration, never stored); PKCS #11 keys live on the token and the row only records
 * where (the CKA_ID) and the public key.
 */
export function createCaKeys(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createSchema(schema).ifNotExists().execute();
      await db.schema
        .withSchema(schema)
        .createTable('ca_keys')
        // Primary key = one key per CA; generate() relies on it (insert ... on conflict do nothing).
        .addColumn('ca_id', 'text', (c) => c.primaryKey())
        .addColumn('backend', 'text', (c) => c.notNull().check(sql`backend in ('software', 'pkcs11')`))
        .addColumn('key_algorithm', 'text', (c) => c.notNull())
        .addColumn('public_key_spki', 'bytea', (c) => c.notNull())
        .addColumn('kek_id', 'text')
        .addColumn('wrapped_dek', 'bytea')
        .addColumn('dek_iv', 'bytea')
        .addColumn('dek_tag', 'bytea')
        .addColumn('ciphertext', 'bytea')
        .addColumn('iv', 'bytea')
        .addColumn('tag', 'bytea')
        .addColumn('pkcs11_key_id', 'bytea')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addCheckConstraint(
          'ca_keys_material_by_backend',
          sql`(backend = 'software' and kek_id is not null and wrapped_dek is not null and dek_iv is not null and dek_tag is not null
                and ciphertext is not null and iv is not null and tag is not null and pkcs11_key_id is null)
           or (backend = 'pkcs11' and pkcs11_key_id is not null and kek_id is null and wrapped_dek is null and dek_iv is null
                and dek_tag is null and ciphertext is null and iv is null and tag is null)`,
        )
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.withSchema(schema).dropTable('ca_keys').execute();
    },
  };
}
