import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Frozen: never edit; add a new migration instead.
 * OCSP freshness (docs/DESIGN.md "OCSP freshness"): a gap-free revocation sequence, stamped on
 * each revocation in its transaction, and the leases of the OCSP responders (gateway processes).
 */
export function addOcspFreshness(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      // One row; incremented by every revocation's transaction (its row lock orders the commits).
      await s
        .createTable('revocation_sequence')
        .addColumn('id', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`id`))
        .addColumn('last', 'bigint', (c) => c.notNull())
        .execute();
      await db.withSchema(schema).insertInto('revocation_sequence').values({ id: true, last: 0 }).execute();
      // Null for revocations committed before this migration (older than any responder's cursor).
      await s.alterTable('revocations').addColumn('sequence', 'bigint').execute();
      // A lease renewal's "revocations after the responder's cursor": sequence > $1 and sequence <= last.
      await s.createIndex('revocations_sequence_idx').on('revocations').column('sequence').where(sql.ref('sequence'), 'is not', null).execute();
      await s
        .createTable('ocsp_responders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('lease_until', 'timestamptz', (c) => c.notNull())
        .execute();
      // An announcement's "responders whose lease is running": lease_until > now().
      await s.createIndex('ocsp_responders_lease_until_idx').on('ocsp_responders').column('lease_until').execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      await s.dropTable('ocsp_responders').execute();
      await s.alterTable('revocations').dropColumn('sequence').execute();
      await s.dropTable('revocation_sequence').execute();
    },
  };
}
