import { connect, type NatsConnection } from 'nats';
import type { Kysely } from 'kysely';
import { startNatsServer, startPostgresInstance, uniquePrefix, waitFor, type NatsServerProcess, type PostgresInstance } from '@pki/testing';
import { createDb, ensureDatabaseExists } from './db/create-db';
import { migrateToLatest } from './db/migrate-to-latest';
import { projectionMigrations } from './projection/projection.migrations';
import { ProjectionRunner } from './projection/projection-runner';
import { OutboxRelay } from './relay/outbox-relay';
import { ConcurrencyError } from './store/concurrency.error';
import { eventStoreMigrations } from './store/event-store.migrations';
import { EventStore } from './store/event-store';
import { countingProjection, countingRows, createCountingTable } from './test-support/counting.projection';
import { eventStreamName } from '@pki/contracts';
import { meta, quietLogger, SCHEMA, SERVICE, streamMessages } from './test-support/harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Crashes both servers while appends, the relay and a projection run: nats-server is
 * SIGKILLed (losing acknowledged but unflushed writes) and Postgres shut down immediately.
 * Every append that was acknowledged must end up in the store and in the read model exactly once.
 * Own servers on spare ports: the shared ones are never touched.
 */
describe('chaos: nats-server SIGKILL and Postgres immediate shutdown under load', () => {
  let nats: NatsServerProcess;
  let pg: PostgresInstance;
  let db: Kysely<any>;
  let nc: NatsConnection;
  let relay: OutboxRelay | undefined;
  let runner: ProjectionRunner | undefined;

  beforeAll(async () => {
    [nats, pg] = await Promise.all([startNatsServer(), startPostgresInstance()]);
  }, 60_000);
  afterAll(async () => {
    await runner?.stop();
    await relay?.stop();
    await nc?.close();
    await db?.destroy();
    await Promise.all([nats?.stop(), pg?.destroy()]);
  }, 60_000);

  it('keeps every acknowledged append exactly once in the store and in the projection', async () => {
    const url = pg.url.replace(/\/postgres$/, '/chaos');
    await ensureDatabaseExists(url);
    db = createDb(url, { max: 8 });
    await migrateToLatest(db, SCHEMA, { ...eventStoreMigrations(SCHEMA), ...projectionMigrations(SCHEMA) });
    await createCountingTable(db, 'ca.counted');
    nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const prefix = uniquePrefix();
    const store = new EventStore(db, { schema: SCHEMA });
    relay = new OutboxRelay({ db, schema: SCHEMA, nc, prefix, service: SERVICE, pollIntervalMs: 20, reconcileIntervalMs: 2000, logger: quietLogger });
    runner = new ProjectionRunner({ db, schema: SCHEMA, nc, prefix, source: SERVICE, projection: countingProjection('chaos-counter', 'ca.counted'), logger: quietLogger });
    await relay.start();
    await runner.start();

    const acknowledged: string[] = [];
    const perAppender = 80;
    const appender = async (a: number) => {
      const stream = `chaos-${a}`;
      let written = 0;
      while (written < perAppender) {
        try {
          const version = (await store.load(stream)).length;
          const [event] = await store.append(stream, version, [{ type: 'Tick', schemaVersion: 1, data: { a, written } }], meta);
          acknowledged.push(event.id);
          written++;
        } catch (error) {
          // Unacknowledged: it may or may not have committed. Re-read the version and go on.
          if (!(error instanceof ConcurrencyError)) await sleep(50);
        }
        await sleep(5);
      }
    };
    const total = 4 * perAppender;
    const faults = (async () => {
      await waitFor(async () => acknowledged.length >= total / 4, { what: 'a quarter of the appends', timeoutMs: 30_000 });
      await nats.kill('SIGKILL');
      await sleep(300);
      await nats.restart();
      await waitFor(async () => acknowledged.length >= total / 2, { what: 'half of the appends', timeoutMs: 30_000 });
      await pg.stopImmediate();
      await sleep(300);
      await pg.start();
    })();
    await Promise.all([...Array.from({ length: 4 }, (_, a) => appender(a)), faults]);
    expect(acknowledged.length).toBe(total);

    const stored = await db.withSchema(SCHEMA).selectFrom('events').select('id').execute();
    const storedIds = new Set(stored.map((r) => r.id));
    expect(stored.length).toBe(storedIds.size);
    expect(acknowledged.filter((id) => !storedIds.has(id))).toEqual([]);

    const rows = await waitFor(
      async () => {
        const r = await countingRows(db, 'ca.counted');
        return r.length >= storedIds.size && r;
      },
      { what: 'every stored event projected', timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(rows.filter((r) => r.count !== 1)).toEqual([]);
    const projected = new Set(rows.map((r) => r.event_id));
    expect(acknowledged.filter((id) => !projected.has(id))).toEqual([]);
    expect(rows.length).toBe(storedIds.size);

    // JetStream lost whatever it had not flushed at the SIGKILL; the relay must have repaired it.
    const inStream = await waitFor(
      async () => {
        const ids = new Set((await streamMessages(nc, eventStreamName(prefix, SERVICE))).map((m) => m.msgId));
        return [...storedIds].every((id) => ids.has(id)) && ids;
      },
      { what: 'every stored event in the JetStream stream', timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(inStream.size).toBeGreaterThanOrEqual(storedIds.size);
  }, 90_000);
});
