import { sql, type Kysely, type Migration } from 'kysely';
import { assertSchemaName } from '../db/schema-name';

/**
 * The event store's tables in a service's schema. Frozen: typed Kysely<any>, never importing
 * application code; a change is a new migration.
 */
export function eventStoreMigrations(schema: string): Record<string, Migration> {
  assertSchemaName(schema);
  return {
    '20250101T000000Z-eventstore-create-events-and-outbox': {
      async up(db: Kysely<any>) {
        await db.schema.createSchema(schema).ifNotExists().execute();
        const s = db.schema.withSchema(schema);
        await s
          .createTable('events')
          .addColumn('position', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
          .addColumn('id', 'uuid', (c) => c.notNull().unique())
          .addColumn('stream', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().check(sql`version > 0`))
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('schema_version', 'integer', (c) => c.notNull())
          .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
          .addColumn('correlation_id', 'text', (c) => c.notNull())
          .addColumn('causation_id', 'text')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('data', 'jsonb', (c) => c.notNull())
          // Optimistic concurrency: two writers of one aggregate conflict here. Also serves load(stream).
          .addUniqueConstraint('events_stream_version_key', ['stream', 'version'])
          .execute();

        await s
          .createTable('outbox')
          .addColumn('position', 'bigint', (c) => c.primaryKey().references(`${schema}.events.position`))
          .addColumn('event_id', 'uuid', (c) => c.notNull().unique())
          .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
          .addColumn('published_at', 'timestamptz')
          .addColumn('js_seq', 'bigint')
          .execute();
        // Serves the relay's claim: unpublished rows in position order.
        await s.createIndex('outbox_pending_idx').on('outbox').column('position').where(sql.ref('published_at'), 'is', null).execute();
        // Serves reconciliation (rows by JetStream sequence) and pruning by age.
        await s.createIndex('outbox_js_seq_idx').on('outbox').column('js_seq').where(sql.ref('js_seq'), 'is not', null).execute();
        await s.createIndex('outbox_published_at_idx').on('outbox').column('published_at').where(sql.ref('published_at'), 'is not', null).execute();
      },
    },
    '20261207T060000Z-eventstore-create-outbox-stream': {
      async up(db: Kysely<any>) {
        // The incarnation (JetStream's creation time) of the stream the relay publishes into: a
        // recreated stream gets every event again. Keyed by stream name, read once per reconcile.
        await db.schema
          .withSchema(schema)
          .createTable('outbox_stream')
          .addColumn('stream', 'text', (c) => c.primaryKey())
          .addColumn('created', 'text', (c) => c.notNull())
          .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
          .execute();
      },
    },
    // Issue #13: the W3C traceparent of the span an event was appended in (nullable: tracing is optional).
    '20261207T060000Z-eventstore-add-trace-parent': {
      async up(db: Kysely<any>) {
        await db.schema.withSchema(schema).alterTable('events').addColumn('trace_parent', 'text').execute();
      },
    },
    // Issue #14 (Postgres cost per event): outbox rows are written only by the statement that
    // inserts their events (insertEventsWithOutbox, from its RETURNING) or from the events table
    // itself (requeueAllEvents), so the foreign key proved nothing new while costing, per event,
    // a trigger query that also locks the new events row (FOR KEY SHARE, a WAL record). The
    // unique event_id index duplicated events_id_key through the 1:1 position key and was
    // maintained on every insert and every publish update, and no query reads by it.
    '20261214T090000Z-eventstore-outbox-drop-fk-and-event-id-key': {
      async up(db: Kysely<any>) {
        const s = db.schema.withSchema(schema);
        await s.alterTable('outbox').dropConstraint('outbox_position_fkey').ifExists().execute();
        await s.alterTable('outbox').dropConstraint('outbox_event_id_key').ifExists().execute();
      },
    },
    // Issue #15: the relay also publishes each event's public feed events (libs/contracts
    // public-events.ts), once per fact. `public_done` says they were published: a row the
    // reconciler resets because JetStream lost the internal copy is published again internally
    // only. `public_seq` / `public_id`: the public stream's sequence and message id of the row's
    // last public event, so a loss of the public stream's tail (a nats-server crash) is found and
    // published again, as js_seq does for the internal stream. A row is pending while either
    // publish is due, which the pending index now covers.
    // Rows that exist now were published before the feed existed (true); pending ones get theirs.
    '20261215T090000Z-eventstore-outbox-public-done': {
      async up(db: Kysely<any>) {
        const outbox = sql.table(`${schema}.outbox`);
        await db.schema.withSchema(schema).alterTable('outbox').addColumn('public_done', 'boolean', (c) => c.notNull().defaultTo(true)).execute();
        await sql`alter table ${outbox} alter column public_done set default false`.execute(db);
        await sql`update ${outbox} set public_done = false where published_at is null`.execute(db);
        await db.schema.withSchema(schema).alterTable('outbox').addColumn('public_seq', 'bigint').addColumn('public_id', 'uuid').execute();
        await db.schema.withSchema(schema).dropIndex('outbox_pending_idx').ifExists().execute();
        await db.schema
          .withSchema(schema)
          .createIndex('outbox_pending_idx')
          .on('outbox')
          .column('position')
          .where(sql<boolean>`published_at is null or not public_done`)
          .execute();
        await db.schema.withSchema(schema).createIndex('outbox_public_seq_idx').on('outbox').column('public_seq').where(sql.ref('public_seq'), 'is not', null).execute();
      },
    },
  };
}
