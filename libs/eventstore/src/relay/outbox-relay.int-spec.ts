import { connect } from 'nats';
import { caPublicEvent, defaultPublicStreamName, eventStreamName, eventSubject, publicEventSubject, type EventEnvelope, type PublicEvent } from '@pki/contracts';
import { testNatsUrl, uniquePrefix, cleanupNatsPrefix, waitFor } from '@pki/testing';
import { ensureEventStream } from '../jetstream/ensure-event-stream';
import { EventStore } from '../store/event-store';
import { countBy, meta, openHarness, quietLogger, SCHEMA, SERVICE, streamMessages, type Harness } from '../test-support/harness';
import { claimPending } from './outbox.queries';
import { OutboxRelay, type PublicFeedOptions } from './outbox-relay';

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

  describe('public feed (issue #15)', () => {
    const CA = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555';
    // A translator as a service has one: event n makes one public event, or none when n is odd.
    const translate = (event: EventEnvelope): PublicEvent[] => {
      const { n } = event.data as { n: number };
      if (n === 13) throw new Error('a defect in the translation');
      // A recorded event without an account: no subject can name its public event.
      if (n === 15) return [{ ...caPublicEvent(event.id, 'ACM Private CA Creation', CA, event.occurredAt, [CA], { result: 'success', n }), account: '' }];
      return n % 2 === 1 ? [] : [caPublicEvent(event.id, 'ACM Private CA Creation', CA, event.occurredAt, [CA], { result: 'success', n })];
    };
    const feed = (): PublicFeedOptions => ({ translate, context: { region: 'us-east-1' }, stream: { name: defaultPublicStreamName(h.prefix), maxAgeMs: 3600_000, duplicateWindowMs: 100 } });

    it('publishes each fact once on its account subject, and not again when the internal stream is republished', async () => {
      const errors: string[] = [];
      const relay = new OutboxRelay({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, publicFeed: feed(), reconcileIntervalMs: 0, logger: { log: () => undefined, error: (m) => errors.push(m) } });
      const stored = await store.appendMany(Array.from({ length: 6 }, (_, n) => ({ stream: `p-${n}`, expectedVersion: 0, events: evt(n), meta })));
      await relay.publishPending();
      const publicMessages = async () => streamMessages(h.nc, defaultPublicStreamName(h.prefix));
      let published = await publicMessages();
      // n = 0, 2, 4 make one event each, in position order, with the derived id as message id.
      expect(published.map((m) => m.body.detail.n)).toEqual([0, 2, 4]);
      expect(published.map((m) => m.msgId)).toEqual(published.map((m) => m.body.id));
      const jsm = await h.nc.jetstreamManager();
      const first = await jsm.streams.getMessage(defaultPublicStreamName(h.prefix), { seq: published[0]!.seq });
      expect(first.subject).toBe(publicEventSubject(h.prefix, published[0]!.body));
      expect(first.subject).toBe(`${h.prefix}.events.111122223333.aws.acm-pca.ca-creation`);

      // JetStream loses the internal stream: every event goes out to it again, its public events
      // do not (well past the public stream's 100 ms duplicate window, so not by deduplication).
      await jsm.streams.delete(h.streamName);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await relay.publishPending();
      await relay.publishPending();
      expect((await streamMessages(h.nc, h.streamName)).map((m) => m.msgId)).toEqual(stored.flat().map((e) => e.id));
      published = await publicMessages();
      expect(published.map((m) => m.body.detail.n)).toEqual([0, 2, 4]);

      // A translation that throws, or a public event no subject can name, does not hold the service's events back.
      await store.append('p-13', 0, evt(13), meta);
      await store.append('p-14', 0, evt(14), meta);
      await store.append('p-15', 0, evt(15), meta);
      expect(await relay.publishPending()).toBe(3);
      expect((await publicMessages()).map((m) => m.body.detail.n)).toEqual([0, 2, 4, 14]);
      expect(errors.join('\n')).toMatch(/no public event made for Numbered .*: a defect in the translation/);
      expect(errors.join('\n')).toMatch(/no public event made for Numbered .*: invalid NATS subject token/);
    });

    it('publishes the public events of a batch whose relay died before marking it once, when another relay publishes it again', async () => {
      await store.appendMany(Array.from({ length: 4 }, (_, n) => ({ stream: `q-${n}`, expectedVersion: 0, events: evt(2 * n), meta })));
      const dying = new OutboxRelay({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, publicFeed: { ...feed(), stream: { ...feed().stream, duplicateWindowMs: 60_000 } }, logger: quietLogger });
      // It published, then died before its marking committed: the rows are as they were.
      await dying.publishPending();
      await h.db.withSchema(SCHEMA).updateTable('outbox').set({ published_at: null, js_seq: null, public_done: false }).execute();
      const next = new OutboxRelay({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, publicFeed: { ...feed(), stream: { ...feed().stream, duplicateWindowMs: 60_000 } }, logger: quietLogger });
      await next.publishPending();
      const published = await streamMessages(h.nc, defaultPublicStreamName(h.prefix));
      expect(published.map((m) => m.body.detail.n)).toEqual([0, 2, 4, 6]);
    });

    it('publishes its public events again into a public stream JetStream lost, within the retention, once each', async () => {
      const relay = new OutboxRelay({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, publicFeed: feed(), reconcileIntervalMs: 0, logger: quietLogger });
      await store.appendMany(Array.from({ length: 4 }, (_, n) => ({ stream: `w-${n}`, expectedVersion: 0, events: evt(2 * n), meta })));
      await relay.publishPending();
      // The first event is older than the stream's retention (1 h here): it is not published again.
      await h.db.withSchema(SCHEMA).updateTable('events').set({ occurred_at: new Date(Date.now() - 2 * 3600_000) }).where('stream', '=', 'w-0').execute();
      const jsm = await h.nc.jetstreamManager();
      await jsm.streams.delete(defaultPublicStreamName(h.prefix));
      await relay.publishPending(); // reconciles: the stream is created anew and filled again
      await relay.publishPending();
      await store.append('w-4', 0, evt(8), meta);
      await relay.publishPending();
      const published = await streamMessages(h.nc, defaultPublicStreamName(h.prefix));
      expect(published.map((m) => m.body.detail.n)).toEqual([2, 4, 6, 8]);
    });

    it("publishes again public events the public stream's tail lost, and only those (not the internal events)", async () => {
      const relay = new OutboxRelay({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, publicFeed: feed(), reconcileIntervalMs: 0, logger: quietLogger });
      await store.appendMany(Array.from({ length: 3 }, (_, n) => ({ stream: `t-${n}`, expectedVersion: 0, events: evt(2 * n), meta })));
      await relay.publishPending();
      const jsm = await h.nc.jetstreamManager();
      const name = defaultPublicStreamName(h.prefix);
      // What a nats-server crash does to an acknowledged write that had not reached disk.
      const last = (await jsm.streams.info(name)).state.last_seq;
      await jsm.streams.deleteMessage(name, last, false);
      await new Promise((resolve) => setTimeout(resolve, 300)); // past the test stream's 100 ms duplicate window
      await relay.publishPending(); // reconciles: the row whose public event is gone is pending again...
      await relay.publishPending(); // ...and its public event goes out again
      expect((await streamMessages(h.nc, name)).map((m) => m.body.detail.n)).toEqual([0, 2, 4]);
      expect(await streamMessages(h.nc, h.streamName)).toHaveLength(3);
    });

    it('lets one relay pass run at a time, so events go out in position order across replicas', async () => {
      await store.appendMany(Array.from({ length: 3 }, (_, n) => ({ stream: `r-${n}`, expectedVersion: 0, events: evt(n), meta })));
      const relay = new OutboxRelay({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, logger: quietLogger });
      await relay.publishPending(); // the streams exist
      await store.append('r-3', 0, evt(3), meta);
      // Another replica's pass holds the turn: this one publishes nothing and claims nothing.
      await h.db.transaction().execute(async (trx) => {
        const { takeRelayTurn } = await import('./outbox.queries');
        expect(await takeRelayTurn(trx, SCHEMA)).toBe(true);
        expect(await relay.publishPending()).toBe(0);
      });
      expect(await relay.publishPending()).toBe(1);
    });
  });
});
