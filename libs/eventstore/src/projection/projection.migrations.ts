import { sql, type Kysely, type Migration } from 'kysely';
import { assertSchemaName } from '../db/schema-name';

/** Checkpoint, processed-event and parked-message tables for ProjectionRunner. Frozen. */
export function projectionMigrations(schema: string): Record<string, Migration> {
  assertSchemaName(schema);
  return {
    '20250101T000100Z-eventstore-create-projection-tables': {
      async up(db: Kysely<any>) {
        await db.schema.createSchema(schema).ifNotExists().execute();
        const s = db.schema.withSchema(schema);
        await s
          .createTable('projection_checkpoints')
          .addColumn('projection', 'text', (c) => c.primaryKey())
          .addColumn('stream_seq', 'bigint', (c) => c.notNull())
          .addColumn('event_id', 'text')
          .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
          .execute();
        // Primary key serves "already processed?" per message. Text, not uuid: a malformed envelope's id is still recorded.
        await s
          .createTable('projection_processed')
          .addColumn('projection', 'text', (c) => c.notNull())
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('stream_seq', 'bigint', (c) => c.notNull())
          .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
          .addPrimaryKeyConstraint('projection_processed_pkey', ['projection', 'event_id'])
          .execute();
        await s
          .createTable('projection_parked')
          .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
          .addColumn('projection', 'text', (c) => c.notNull())
          .addColumn('stream_seq', 'bigint', (c) => c.notNull())
          .addColumn('event_id', 'text')
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('error', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('parked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
          .execute();
        // Serves the operator's "what is parked for this projection" query.
        await s.createIndex('projection_parked_projection_idx').on('projection_parked').columns(['projection', 'parked_at']).execute();
      },
    },
    '20261207T060000Z-eventstore-checkpoint-stream-created': {
      async up(db: Kysely<any>) {
        // The incarnation (JetStream's creation time) of the source stream `stream_seq` counts in.
        await db.schema.withSchema(schema).alterTable('projection_checkpoints').addColumn('stream_created', 'text').execute();
      },
    },
  };
}
