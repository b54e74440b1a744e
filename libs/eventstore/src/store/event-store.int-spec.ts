import { ConcurrencyError } from './concurrency.error';
import { EventStore } from './event-store';
import { meta, openHarness, SCHEMA, type Harness } from '../test-support/harness';

describe('EventStore (Postgres)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(() => h?.close());

  it('lets exactly one of 50 concurrent appenders win each version, leaving no gaps', async () => {
    const store = new EventStore(h.db, { schema: SCHEMA });
    const stream = 'ca-race';
    const target = 30;
    let conflicts = 0;
    const appender = async (n: number) => {
      for (;;) {
        const version = (await store.load(stream)).length;
        if (version >= target) return;
        try {
          await store.append(stream, version, [{ type: 'Touched', schemaVersion: 1, data: { by: n } }], meta);
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          expect(error.expectedVersion).toBe(version);
          expect(error.actualVersion).toBeGreaterThan(version);
          conflicts++;
        }
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, n) => appender(n)));

    const events = await store.load(stream);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    expect(events.length).toBeGreaterThanOrEqual(target);
    expect(conflicts).toBeGreaterThan(0);
    const outbox = await h.db.withSchema(SCHEMA).selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(outbox.n)).toBe(events.length);
  });

  it('refuses an expected version ahead of the stream instead of leaving a gap', async () => {
    const store = new EventStore(h.db, { schema: SCHEMA });
    await store.append('ca-gap', 0, [{ type: 'A', schemaVersion: 1, data: {} }], meta);
    await expect(store.append('ca-gap', 5, [{ type: 'B', schemaVersion: 1, data: {} }], meta)).rejects.toMatchObject({ name: 'ConcurrencyError', actualVersion: 1 });
  });

  it('stores every envelope field and runs the projection in the same transaction', async () => {
    const ids = ['6f1c7f4e-8f55-4a47-9a55-7c1e0d1a0001', '6f1c7f4e-8f55-4a47-9a55-7c1e0d1a0002'];
    const store = new EventStore(h.db, { schema: SCHEMA, now: () => new Date('2025-01-02T03:04:05.006Z'), newId: () => ids.shift()! });
    await h.db.schema.createTable('ca.read_model').addColumn('id', 'text', (c) => c.primaryKey()).execute();
    const stored = await store.append('ca-1', 0, [{ type: 'Created', schemaVersion: 2, data: { list: [1, 2] } }], { correlationId: 'r1', causationId: 'c1', accountId: '123' }, async (trx, events) => {
      await trx.insertInto('ca.read_model').values(events.map((e) => ({ id: e.id }))).execute();
    });
    expect(await store.load('ca-1')).toEqual(stored);
    expect(stored[0]).toEqual({
      id: '6f1c7f4e-8f55-4a47-9a55-7c1e0d1a0001', stream: 'ca-1', version: 1, type: 'Created', schemaVersion: 2,
      occurredAt: '2025-01-02T03:04:05.006Z', correlationId: 'r1', causationId: 'c1', accountId: '123', data: { list: [1, 2] },
    });
    // A failing projection rolls the append back.
    await expect(store.append('ca-1', 1, [{ type: 'Updated', schemaVersion: 1, data: {} }], meta, async () => { throw new Error('read model broke'); })).rejects.toThrow('read model broke');
    expect((await store.load('ca-1')).length).toBe(1);
    expect(await h.db.selectFrom('ca.read_model').selectAll().execute()).toEqual([{ id: '6f1c7f4e-8f55-4a47-9a55-7c1e0d1a0001' }]);
  });
});
