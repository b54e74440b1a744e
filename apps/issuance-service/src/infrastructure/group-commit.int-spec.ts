/**
 * GroupCommit against real Postgres: concurrent appends share transactions yet each keeps its
 * stream, metadata and projection; every append is committed before it resolves; one failing
 * append does not take the others down with it.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { EventStore, eventStoreMigrations, migrateToLatest } from '@pki/eventstore';
import { createTestDatabase, type TestDatabase } from '@pki/testing';
import { GroupCommit, type BatchWriter } from './group-commit';

const SCHEMA = 'gc_test';
const event = (n: number) => [{ type: 'Probe', schemaVersion: 1, data: { n } }];
const meta = (n: number) => ({ correlationId: `request-${n}`, causationId: null, accountId: '111122223333' });

describe('GroupCommit (Postgres)', () => {
  let database: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateToLatest(database.db, SCHEMA, eventStoreMigrations(SCHEMA));
    await sql`create table ${sql.table(`${SCHEMA}.probe`)} (key text primary key, stream text not null)`.execute(database.db);
    store = new EventStore(database.db, { schema: SCHEMA });
  });
  afterAll(async () => {
    await database?.destroy();
  });

  /** One probe row per append, keyed as the append asks: a writer that inserts its items one by one. */
  const probeWriter: BatchWriter<string> = async (trx, items) => {
    for (const { item: key, stored } of items) await sql`insert into ${sql.table(`${SCHEMA}.probe`)} (key, stream) values (${key}, ${stored[0]!.stream})`.execute(trx);
  };
  const insertProbe = (key: string) => ({ writer: probeWriter, item: key });

  it('commits 60 concurrent appends in fewer transactions, each with its own stream, metadata and projection, committed before it resolves', async () => {
    const batches: number[] = [];
    const spied = Object.create(store) as EventStore;
    spied.appendBatch = (appends, project) => {
      batches.push(appends.length);
      return store.appendBatch(appends, project);
    };
    const group = new GroupCommit(spied, { maxInFlight: 1 });
    const streams = Array.from({ length: 60 }, () => `probe-${randomUUID()}`);
    const seenOnResolve = await Promise.all(
      streams.map(async (stream, n) => {
        const stored = await group.append(stream, 0, event(n), meta(n), insertProbe(`ok-${stream}`));
        expect(stored).toMatchObject([{ stream, version: 1, correlationId: `request-${n}`, data: { n } }]);
        // Committed: another connection sees the event and its read-model row.
        const row = await database.db.withSchema(SCHEMA).selectFrom('probe').select('stream').where('key', '=', `ok-${stream}`).executeTakeFirst();
        return row?.stream === stream && (await store.load(stream)).length === 1;
      }),
    );
    expect(seenOnResolve.every(Boolean)).toBe(true);
    // The first append commits alone; the 59 that queued behind it share one transaction.
    expect(batches).toEqual([59]);
    const outbox = await database.db.withSchema(SCHEMA).selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(outbox.n)).toBe(60);
  });

  it('answers a failing append with its own error while the rest of its batch commits', async () => {
    const group = new GroupCommit(store, { maxInFlight: 1 });
    const taken = `taken-${randomUUID()}`;
    await store.append(`probe-${randomUUID()}`, 0, event(0), meta(0), (trx, stored) => probeWriter(trx, [{ item: taken, stored }]));
    const streams = Array.from({ length: 20 }, () => `probe-${randomUUID()}`);
    const results = await Promise.allSettled(streams.map((stream, n) => group.append(stream, 0, event(n), meta(n), insertProbe(n === 7 ? taken : `ok-${stream}`))));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(results[7]).toMatchObject({ status: 'rejected', reason: { code: '23505' } });
    for (const [n, stream] of streams.entries()) expect(await store.load(stream)).toHaveLength(n === 7 ? 0 : 1);
  });

  it('keeps optimistic concurrency: an append behind its stream gets ConcurrencyError', async () => {
    const group = new GroupCommit(store);
    const stream = `probe-${randomUUID()}`;
    await store.append(stream, 0, event(0), meta(0));
    const results = await Promise.allSettled([group.append(stream, 0, event(1), meta(1)), group.append(`probe-${randomUUID()}`, 0, event(2), meta(2))]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { name: 'ConcurrencyError' } });
    expect(results[1]).toMatchObject({ status: 'fulfilled' });
  });

  it('hands a batch writer the items of every append of a batch at once, each with its stored events', async () => {
    const calls: number[] = [];
    const writer: BatchWriter<string> = async (trx, items) => {
      calls.push(items.length);
      const keys = items.map((i) => i.item);
      const streams = items.map((i) => i.stored[0]!.stream);
      await sql`insert into ${sql.table(`${SCHEMA}.probe`)} (key, stream) select * from unnest(${keys}::text[], ${streams}::text[])`.execute(trx);
    };
    const group = new GroupCommit(store, { maxInFlight: 1 });
    const streams = Array.from({ length: 30 }, () => `probe-${randomUUID()}`);
    await Promise.all(streams.map((stream, n) => group.append(stream, 0, event(n), meta(n), { writer, item: `batched-${stream}` })));
    expect(calls).toEqual([1, 29]); // the first alone, the 29 queued behind it in one call
    const rows = await database.db.withSchema(SCHEMA).selectFrom('probe').select(['key', 'stream']).where('key', 'like', 'batched-%').execute();
    expect(rows.map((r) => r.key).sort()).toEqual(streams.map((s) => `batched-${s}`).sort());
    expect(rows.every((r) => r.key === `batched-${r.stream}`)).toBe(true);
  });
});
