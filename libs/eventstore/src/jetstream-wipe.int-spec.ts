/**
 * JetStream is not the source of truth (issue #13): a stream deleted while its readers and
 * writers are stopped (its storage lost) is created again, filled again from the events table
 * (even where the outbox rows were pruned long ago), in position order, and the projections
 * that read the old one resume without losing or re-applying an event.
 */
import { waitFor } from '@pki/testing';
import { ensureEventStream } from './jetstream/ensure-event-stream';
import { durableName } from './projection/consumer-position';
import { ProjectionRunner } from './projection/projection-runner';
import { reconcileOutbox } from './relay/outbox-reconciler';
import { OutboxRelay } from './relay/outbox-relay';
import { EventStore } from './store/event-store';
import { countingProjection, countingRows, createCountingTable } from './test-support/counting.projection';
import { meta, openHarness, quietLogger, SCHEMA, SERVICE, streamMessages, type Harness } from './test-support/harness';
import type { Projection } from './projection/projection';

const evt = (n: number) => [{ type: 'Numbered', schemaVersion: 1, data: { n } }];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('JetStream wiped (Postgres + JetStream)', () => {
  let h: Harness;
  let store: EventStore;
  const stoppable: Array<{ stop(): Promise<void> }> = [];
  const relay = (o: { retentionMs?: number; reconcileIntervalMs?: number } = {}) =>
    new OutboxRelay({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, pollIntervalMs: 20, logger: quietLogger, ...o });
  const run = async (projection: Projection) => {
    // replayMargin 0: what the runner replays after a wipe must not depend on the margin.
    const runner = new ProjectionRunner({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, source: SERVICE, projection, replayMargin: 0, logger: quietLogger });
    stoppable.push(runner);
    await runner.start();
    return runner;
  };
  const consumerIdle = (projection: string) => async () => {
    const info = await (await h.nc.jetstreamManager()).consumers.info(h.streamName, durableName(SCHEMA, projection)).catch(() => undefined);
    return info !== undefined && info.num_pending === 0 && info.num_ack_pending === 0;
  };
  const idsByPosition = async () => (await h.db.withSchema(SCHEMA).selectFrom('events').select('id').orderBy('position').execute()).map((r) => r.id as string);
  const outboxRows = async () => h.db.withSchema(SCHEMA).selectFrom('outbox').selectAll().execute();

  beforeEach(async () => {
    h = await openHarness();
    store = new EventStore(h.db, { schema: SCHEMA });
  });
  afterEach(async () => {
    for (const s of stoppable.splice(0)) await s.stop();
    await h?.close();
  });

  it('publishes every event again, pruned ones too, in position order; a projection resumes exactly once; a new consumer sees the whole history', async () => {
    const before = relay();
    // 1. The old stream holds e1, e3..e6, then e2: e2's transaction committed late (its position is 2).
    const [e1] = await store.append('s-1', 0, evt(1), meta);
    await before.publishPending();
    let release!: () => void;
    let inserted!: () => void;
    const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
    const late = store.append('s-2', 0, evt(2), meta, async () => {
      inserted();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await insertedSignal;
    for (let n = 3; n <= 6; n++) await store.append(`s-${n}`, 0, evt(n), meta);
    await before.publishPending();

    // A projection applies e1, e3..e6 (stream sequences 1-5) and stops; e2 reaches the stream after.
    await createCountingTable(h.db, 'ca.counted');
    const first = await run(countingProjection('counter', 'ca.counted'));
    await waitFor(async () => (await countingRows(h.db, 'ca.counted')).length === 5, { what: 'e1, e3..e6 projected' });
    await waitFor(consumerIdle('counter'), { what: 'the projection to ack them' });
    await first.stop();
    const [e2] = await (release(), late);
    await before.publishPending();
    expect((await streamMessages(h.nc, h.streamName)).map((m) => m.msgId)).toEqual([e1!.id, ...(await idsByPosition()).slice(2), e2!.id]);

    // 2. The retention passes: the outbox forgets every published row.
    await sleep(20);
    await relay({ retentionMs: 0 }).publishPending();
    expect(await outboxRows()).toEqual([]);

    // 3. JetStream loses the stream while everything is stopped; the service appends meanwhile (pending rows).
    await (await h.nc.jetstreamManager()).streams.delete(h.streamName);
    for (let n = 7; n <= 8; n++) await store.append(`s-${n}`, 0, evt(n), meta);
    const all = await idsByPosition();

    // 4. Started again: the relay creates the stream and fills it from the events table, in position order...
    const after = relay();
    stoppable.push(after);
    await after.start();
    const messages = await waitFor(async () => {
      const m = await streamMessages(h.nc, h.streamName).catch(() => []);
      return m.length >= all.length && m;
    }, { what: 'every event in the new stream' });
    expect(messages.map((m) => m.msgId)).toEqual(all);

    // ...and the projection, whose checkpoint (sequence 5, e6) is meaningless in it, replays it from the start:
    // e2, e7 and e8 applied, nothing applied twice. (Resuming after sequence 5, which holds e5 now, would skip e2.)
    const resumed = countingProjection('counter', 'ca.counted');
    await run(resumed);
    await waitFor(async () => (await countingRows(h.db, 'ca.counted')).length === all.length, { what: 'every event projected' });
    await waitFor(consumerIdle('counter'), { what: 'the replay to be acked' });
    expect((await countingRows(h.db, 'ca.counted')).every((r) => r.count === 1)).toBe(true);
    expect(new Map(resumed.calls)).toEqual(new Map([e2!.id, all[6]!, all[7]!].map((id) => [id, 1])));

    // 5. A consumer reading the new stream from its start sees the whole history in order.
    const seen: string[] = [];
    await createCountingTable(h.db, 'ca.newcomer');
    await run(countingProjection('newcomer', 'ca.newcomer', { before: (event) => void seen.push(event.id) }));
    await waitFor(consumerIdle('newcomer'), { what: 'the newcomer to read the stream' });
    expect(seen).toEqual(all);
    expect((await outboxRows()).every((r) => r.published_at !== null)).toBe(true);
  });

  it('a projection started before the relay creates the stream itself and still gets every event once', async () => {
    await store.appendMany(Array.from({ length: 10 }, (_, n) => ({ stream: `x-${n}`, expectedVersion: 0, events: evt(n), meta })));
    const before = relay();
    await before.publishPending();
    await createCountingTable(h.db, 'ca.counted');
    const first = await run(countingProjection('counter', 'ca.counted'));
    await waitFor(consumerIdle('counter'), { what: 'the projection to apply the stream' });
    await first.stop();
    await sleep(20);
    await relay({ retentionMs: 0 }).publishPending();
    await (await h.nc.jetstreamManager()).streams.delete(h.streamName);

    const resumed = countingProjection('counter', 'ca.counted');
    await run(resumed); // finds no stream: creates it, empty
    await store.append('x-10', 0, evt(10), meta);
    const after = relay();
    stoppable.push(after);
    await after.start();
    await waitFor(async () => (await countingRows(h.db, 'ca.counted')).length === 11, { what: 'the new event projected' });
    await waitFor(async () => (await streamMessages(h.nc, h.streamName)).length === 11 && (await consumerIdle('counter')()), { what: 'the stream refilled and read' });
    expect((await countingRows(h.db, 'ca.counted')).every((r) => r.count === 1)).toBe(true);
    expect([...resumed.calls.values()]).toEqual([1]);
  });

  it('a stream deleted while its relay and projection run is refilled within the reconcile interval, without a restart', async () => {
    const running = relay({ reconcileIntervalMs: 500 });
    stoppable.push(running);
    await running.start();
    await createCountingTable(h.db, 'ca.counted');
    await run(countingProjection('counter', 'ca.counted'));
    await store.appendMany(Array.from({ length: 5 }, (_, n) => ({ stream: `x-${n}`, expectedVersion: 0, events: evt(n), meta })));
    await waitFor(async () => (await countingRows(h.db, 'ca.counted')).length === 5, { what: 'the first events projected' });

    await (await h.nc.jetstreamManager()).streams.delete(h.streamName);
    await store.appendMany(Array.from({ length: 3 }, (_, n) => ({ stream: `y-${n}`, expectedVersion: 0, events: evt(n), meta })));
    const all = await idsByPosition();
    await waitFor(async () => {
      const ids = (await streamMessages(h.nc, h.streamName).catch(() => [])).map((m) => m.msgId);
      return ids.length === all.length && new Set(ids).size === all.length && ids.every((id) => all.includes(id));
    }, { what: 'the recreated stream to hold every event once' });
    await waitFor(async () => (await countingRows(h.db, 'ca.counted')).length === all.length && (await consumerIdle('counter')()), { what: 'every event projected' });
    expect((await countingRows(h.db, 'ca.counted')).every((r) => r.count === 1)).toBe(true);
  });

  it('one relay replica queues the events again, however many notice the new stream at once', async () => {
    await store.appendMany(Array.from({ length: 30 }, (_, n) => ({ stream: `x-${n}`, expectedVersion: 0, events: evt(n), meta })));
    const before = relay();
    await before.publishPending();
    const jsm = await h.nc.jetstreamManager();
    await jsm.streams.delete(h.streamName);
    await ensureEventStream(jsm, h.prefix, SERVICE);
    const reconcile = () => reconcileOutbox({ db: h.db, schema: SCHEMA, jsm, streamName: h.streamName, retentionMs: 24 * 3600_000, verifyRecent: 200 });
    const reports = await Promise.all([reconcile(), reconcile(), reconcile()]);
    expect(reports.filter((r) => r.requeuedAll)).toHaveLength(1);
    expect(reports.find((r) => r.requeuedAll)!.republish).toBe(30);
    expect((await outboxRows()).filter((r) => r.published_at === null)).toHaveLength(30);
  });
});
