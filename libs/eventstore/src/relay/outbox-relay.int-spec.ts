import { connect } from 'nats';
import { eventStreamName, eventSubject } from '@pki/contracts';
import { testNatsUrl, uniquePrefix, cleanupNatsPrefix, waitFor } from '@pki/testing';
import { ensureEventStream } from '../jetstream/ensure-event-stream';
import { EventStore } from '../store/event-store';
import { countBy, meta, openHarness, quietLogger, SCHEMA, SERVICE, streamMessages, type Harness } from '../test-support/harness';
import { claimPending } from './outbox.queries';
import { OutboxRelay } from './outbox-relay';

const evt = (n: number) => [{ type: 'Numbered', schemaVersion: 1, data: { n } }];

describe('OutboxRelay (Postgres + JetStream)', () => {
  let h: Harness;
  let store: EventStore;
  beforeEach(async () => {
    h = await openHarness();
    store = new EventStore(h.db, { schema: SCHEMA });
  });
  afterEach(() => h?.close());

  const allIds = async () =>
    (await h.db.withSchema(SCHEMA).selectFrom('events').select('id').orderBy('position').execute()).map((r) => r.id as string);

  it('publishes an event whose transaction commits late, which a "position > last" relay skips', async () => {
    // A naive relay, written here only to show the pitfall (DESIGN.md): it tails by position.
    const naivePrefix = uniquePrefix();
    const jsm = await h.nc.jetstreamManager();
    await ensureEventStream(jsm, naivePrefix, SERVICE);
    const js = h.nc.jetstream();
    let naiveLast = 0;
    const naivePass = async () => {
      const rows = await h.db.withSchema(SCHEMA).selectFrom('events').selectAll().where('position', '>', String(naiveLast)).orderBy('position').execute();
      for (const row of rows) {
        await js.publish(eventSubject(naivePrefix, SERVICE, row.type), JSON.stringify({ id: row.id }), { msgID: row.id });
        naiveLast = Number(row.position);
      }
    };

    const relay = new OutboxRelay({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, logger: quietLogger });
    await store.append('s-0', 0, evt(0), meta);

    // Hold a transaction open after its insert (its position is already assigned)...
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
    const held = store.append('s-held', 0, evt(1), meta, async () => {
      inserted();
      await gate;
    });
    await insertedSignal;
    // ...while later appends commit with higher positions.
    await store.append('s-2', 0, evt(2), meta);
    await store.append('s-3', 0, evt(3), meta);

    expect(await relay.publishPending()).toBe(3);
    await naivePass();
    const [heldEvent] = await (release(), held);
    expect(await relay.publishPending()).toBe(1);
    await naivePass();

    const published = (await streamMessages(h.nc, h.streamName)).map((m) => m.msgId);
    expect(published).toHaveLength(4);
    expect(new Set(published)).toEqual(new Set(await allIds()));
    expect(published).toContain(heldEvent.id);
    const naive = (await streamMessages(h.nc, eventStreamName(naivePrefix, SERVICE))).map((m) => m.msgId);
    expect(naive).toHaveLength(3);
    expect(naive).not.toContain(heldEvent.id); // the pitfall, demonstrated
    await cleanupNatsPrefix(h.nc, naivePrefix);
  });

  it('publishes message body = envelope on the event subject, and records the JetStream sequence', async () => {
    const relay = new OutboxRelay({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, logger: quietLogger });
    const [stored] = await store.append('s-1', 0, evt(1), meta);
    await relay.publishPending();
    const jsm = await h.nc.jetstreamManager();
    const msg = await jsm.streams.getMessage(h.streamName, { seq: 1 });
    expect(msg?.subject).toBe(eventSubject(h.prefix, SERVICE, 'Numbered'));
    expect(msg?.json()).toEqual(stored);
    const row = await h.db.withSchema(SCHEMA).selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ event_id: stored.id, js_seq: '1' });
    expect(row.published_at).toBeInstanceOf(Date);
  });

  it('loses and duplicates nothing when a relay dies mid-batch or mid-stream and another takes over', async () => {
    // 1. A relay that published a batch but died before marking it (transaction rolled back).
    await store.appendMany(Array.from({ length: 20 }, (_, n) => ({ stream: `pre-${n}`, expectedVersion: 0, events: evt(n), meta })));
    await ensureEventStream(await h.nc.jetstreamManager(), h.prefix, SERVICE);
    const js = h.nc.jetstream();
    await h.db.transaction().execute(async (trx) => {
      const rows = await claimPending(trx, SCHEMA, 10);
      for (const row of rows) await js.publish(eventSubject(h.prefix, SERVICE, row.type), JSON.stringify({ id: row.id }), { msgID: row.id });
      throw new Error('crash before marking published');
    }).catch(() => undefined);

    // 2. A relay running while appends go on, whose connection is cut without stop().
    const nc1 = await connect({ servers: testNatsUrl() });
    const relay1 = new OutboxRelay({ db: h.db, schema: SCHEMA, nc: nc1, prefix: h.prefix, service: SERVICE, batchSize: 7, pollIntervalMs: 10, logger: quietLogger });
    await relay1.start();
    let appended = 20;
    const writer = (async () => {
      for (let n = 0; n < 150; n++) {
        await store.append(`live-${n}`, 0, evt(n), meta);
        appended++;
      }
    })();
    await waitFor(async () => appended > 60, { what: 'appends to get going' });
    await nc1.close();

    // 3. A second relay takes over while appends continue.
    const relay2 = new OutboxRelay({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, batchSize: 7, pollIntervalMs: 10, logger: quietLogger });
    await relay2.start();
    await writer;
    await relay1.stop();
    const ids = await allIds();
    const messages = await waitFor(async () => {
      const m = await streamMessages(h.nc, h.streamName);
      return m.length >= ids.length && m;
    }, { what: 'all events in the stream', timeoutMs: 30_000 });
    await relay2.stop();

    const counts = countBy(messages, (m) => m.msgId);
    expect(counts.size).toBe(ids.length);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    expect(new Set(counts.keys())).toEqual(new Set(ids));
    const pending = await h.db.withSchema(SCHEMA).selectFrom('outbox').select('position').where('published_at', 'is', null).execute();
    expect(pending).toEqual([]);
  });

  it('publishes again what the stream lost (stream deleted) and prunes confirmed rows past retention', async () => {
    const relay = new OutboxRelay({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, logger: quietLogger, reconcileIntervalMs: 0 });
    await store.appendMany(Array.from({ length: 5 }, (_, n) => ({ stream: `x-${n}`, expectedVersion: 0, events: evt(n), meta })));
    await relay.publishPending();
    const jsm = await h.nc.jetstreamManager();
    await jsm.streams.delete(h.streamName);

    await relay.publishPending(); // reconciles: stream recreated, rows reset...
    await relay.publishPending(); // ...and published again
    expect(new Set((await streamMessages(h.nc, h.streamName)).map((m) => m.msgId))).toEqual(new Set(await allIds()));

    // Rows older than the retention that the stream still holds are forgotten.
    const pruning = new OutboxRelay({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, logger: quietLogger, retentionMs: 0, reconcileIntervalMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await pruning.publishPending();
    expect(await h.db.withSchema(SCHEMA).selectFrom('outbox').selectAll().execute()).toEqual([]);
  });
});
