import { eventFilterSubject, eventSubject, type EventEnvelope } from '@pki/contracts';
import { AckPolicy, nanos } from 'nats';
import { sql } from 'kysely';
import { waitFor } from '@pki/testing';
import { ensureEventStream } from '../jetstream/ensure-event-stream';
import { OutboxRelay } from '../relay/outbox-relay';
import { EventStore } from '../store/event-store';
import { countingProjection, countingRows, createCountingTable } from '../test-support/counting.projection';
import { meta, openHarness, quietLogger, SCHEMA, SERVICE, type Harness } from '../test-support/harness';
import { catchUp } from './catch-up';
import { durableName } from './consumer-position';
import { DEFAULT_ACK_WAIT_MS } from './consumer-setup';
import { inStreamOrder } from './event-too-early';
import { advanceCheckpoint } from './projection.queries';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';

const evt = (n: number) => [{ type: 'Numbered', schemaVersion: 1, data: { n } }];

describe('ProjectionRunner (Postgres + JetStream)', () => {
  let h: Harness;
  let store: EventStore;
  let relay: OutboxRelay;
  const runners: ProjectionRunner[] = [];
  const run = async (o: Omit<ConstructorParameters<typeof ProjectionRunner>[0], 'db' | 'schema' | 'nc' | 'prefix' | 'source'>) => {
    const runner = new ProjectionRunner({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, source: SERVICE, logger: quietLogger, ...o });
    runners.push(runner);
    await runner.start();
    return runner;
  };
  const consumerInfoOf = async (projection: string) => (await h.nc.jetstreamManager()).consumers.info(h.streamName, durableName(SCHEMA, projection));
  const consumerIdle = (projection: string) => async () => {
    const info = await (await h.nc.jetstreamManager()).consumers.info(h.streamName, durableName(SCHEMA, projection));
    return info.num_pending === 0 && info.num_ack_pending === 0 && info;
  };
  const appendMany = (from: number, count: number) =>
    store.appendMany(Array.from({ length: count }, (_, i) => ({ stream: `s-${from + i}`, expectedVersion: 0, events: evt(from + i), meta })));

  beforeEach(async () => {
    h = await openHarness();
    store = new EventStore(h.db, { schema: SCHEMA });
    relay = new OutboxRelay({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, pollIntervalMs: 20, logger: quietLogger });
    await createCountingTable(h.db, 'ca.counted');
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    await relay.stop();
    await h?.close();
  });

  it('never applies twice: crash before ack, redelivery, republished event, recreated consumer; a replay gives the same rows', async () => {
    let crashOnce: string | undefined;
    const beforeAckCalls = new Map<string, number>();
    const projection = countingProjection('counter', 'ca.counted');
    // Started before the source stream exists: the runner creates it.
    await run({
      projection,
      ackWaitMs: 1000,
      beforeAck: (event) => {
        beforeAckCalls.set(event.id, (beforeAckCalls.get(event.id) ?? 0) + 1);
        if (crashOnce === undefined) {
          crashOnce = event.id;
          throw new Error('process died after commit, before ack');
        }
      },
    });
    await relay.start();
    const stored = (await appendMany(0, 20)).flat();

    await waitFor(async () => (await countingRows(h.db, 'ca.counted')).length === 20, { what: '20 events projected' });
    await waitFor(consumerIdle('counter'), { what: 'every message acked' });
    expect(beforeAckCalls.get(crashOnce!)).toBe(2); // the un-acked one came back...
    expect(projection.calls.get(crashOnce!)).toBe(1); // ...and was not applied again

    // The same event as a fresh first delivery under another message id: skipped.
    await h.nc.jetstream().publish(eventSubject(h.prefix, SERVICE, 'Numbered'), JSON.stringify(stored[3]), { msgID: 'republished-under-another-id' });
    await waitFor(consumerIdle('counter'), { what: 'republished message acked' });

    // A consumer recreated from scratch (JetStream lost it) delivers everything again as first deliveries.
    for (const r of runners.splice(0)) await r.stop();
    const jsm = await h.nc.jetstreamManager();
    await jsm.consumers.delete(h.streamName, durableName(SCHEMA, 'counter'));
    await h.db.withSchema(SCHEMA).updateTable('projection_checkpoints').set({ stream_seq: '0', event_id: null }).execute();
    await run({ projection });
    await appendMany(20, 5);
    await waitFor(async () => (await countingRows(h.db, 'ca.counted')).length === 25, { what: '25 events projected' });
    await waitFor(consumerIdle('counter'), { what: 'replayed messages acked' });

    const rows = await countingRows(h.db, 'ca.counted');
    expect(rows.every((r) => r.count === 1)).toBe(true);
    expect([...projection.calls.values()].every((n) => n === 1)).toBe(true);

    // Replaying the whole stream into a fresh runner (same checkpoint table) yields the same rows.
    await createCountingTable(h.db, 'ca.counted_replay');
    await run({ projection: countingProjection('counter-replay', 'ca.counted_replay') });
    await waitFor(async () => (await countingRows(h.db, 'ca.counted_replay')).length === 25, { what: 'replay projected' });
    await waitFor(consumerIdle('counter-replay'), { what: 'replay acked' });
    expect(await countingRows(h.db, 'ca.counted_replay')).toEqual(rows);
    const checkpoint = await h.db.withSchema(SCHEMA).selectFrom('projection_checkpoints').selectAll().where('projection', '=', 'counter-replay').executeTakeFirstOrThrow();
    expect(Number(checkpoint.stream_seq)).toBe(26); // 25 events + the republished copy
  });

  it('two replicas sharing the durable apply each stream in order: an event whose predecessor another replica holds comes back until it applies', async () => {
    await sql`create table ca.ordered (stream text primary key, version int not null, applied int[] not null)`.execute(h.db);
    // A projection that needs each stream in order (as a CA's lifecycle does): it keeps the last version applied per stream.
    const ordered: Projection = {
      name: 'ordered',
      eventTypes: ['Numbered'],
      async apply(trx, event) {
        const row = await sql<{ version: number }>`select version from ca.ordered where stream = ${event.stream} for update`.execute(trx);
        if (inStreamOrder(event, row.rows[0]?.version) === 'skip') return;
        await sql`insert into ca.ordered (stream, version, applied) values (${event.stream}, ${event.version}, array[${event.version}]::int[])
          on conflict (stream) do update set version = excluded.version, applied = ca.ordered.applied || excluded.version`.execute(trx);
      },
    };
    await run({ projection: ordered, batchSize: 1, validatePayload: () => undefined });
    await run({ projection: ordered, batchSize: 1, validatePayload: () => undefined });
    await relay.start();
    // Each stream's three events are published together, so JetStream spreads them over both replicas' pulls.
    const STREAMS = 30;
    await store.appendMany(Array.from({ length: STREAMS }, (_, i) => ({ stream: `o-${i}`, expectedVersion: 0, events: [...evt(1), ...evt(2), ...evt(3)], meta })));
    await waitFor(async () => Number((await sql<{ n: string }>`select count(*) as n from ca.ordered where version = 3`.execute(h.db)).rows[0]!.n) === STREAMS, { what: 'every stream applied to its last event', timeoutMs: 20_000 }).catch(async (e) => {
      console.log(JSON.stringify((await sql`select * from ca.ordered`.execute(h.db)).rows), JSON.stringify(await consumerInfoOf('ordered')), JSON.stringify(await h.db.withSchema(SCHEMA).selectFrom('projection_parked').selectAll().execute()));
      throw e;
    });
    await waitFor(consumerIdle('ordered'), { what: 'every message acked' });
    const rows = (await sql<{ stream: string; applied: number[] }>`select stream, applied from ca.ordered order by stream`.execute(h.db)).rows;
    expect(rows.filter((r) => r.applied.join(',') !== '1,2,3')).toEqual([]);
    expect(await h.db.withSchema(SCHEMA).selectFrom('projection_parked').selectAll().execute()).toEqual([]);
  });

  it('retries transient failures in order, and parks poison messages where an operator sees them', async () => {
    const failures = new Map<number, number>();
    const transient = Object.assign(new Error('could not serialize access'), { code: '40001' });
    const projection = countingProjection('picky', 'ca.counted', {
      before: (event: EventEnvelope<any>) => {
        const n = event.data.n as number;
        failures.set(n, (failures.get(n) ?? 0) + 1);
        if (n === 1 && failures.get(n)! <= 2) throw transient; // transient twice, then fine
        if (n === 3) throw new Error('bug: cannot handle n=3'); // never succeeds
      },
    });
    const order: number[] = [];
    await run({ projection, maxAttempts: 3, beforeAck: (e: EventEnvelope<any>) => void order.push(e.data.n) });
    await relay.start();
    await appendMany(0, 5);
    await h.nc.jetstream().publish(eventSubject(h.prefix, SERVICE, 'Garbage'), '{not json', { msgID: 'garbage-1' });
    await appendMany(5, 1);

    await waitFor(async () => (await countingRows(h.db, 'ca.counted')).length === 5, { what: 'healthy events projected' });
    await waitFor(consumerIdle('picky'), { what: 'consumer drained (terminated messages included)' });
    expect(order).toEqual([0, 1, 2, 4, 5]);
    expect(failures.get(1)).toBe(3);
    expect(failures.get(3)).toBe(3);
    const parked = await h.db.withSchema(SCHEMA).selectFrom('projection_parked').selectAll().orderBy('error').execute();
    expect(parked.map((p) => [p.error, p.attempts])).toEqual([
      ['bug: cannot handle n=3', 3],
      ['message body is not JSON', 1],
    ]);
    expect(parked[1]).toMatchObject({ event_id: 'garbage-1', payload: '{not json' });
  });

  it('applies the messages that arrived together in one transaction, and neither marks nor applies the types a projection ignores', async () => {
    // 40 events it applies and 40 it ignores, interleaved, all in the stream before the runner starts.
    await store.appendBatch(
      Array.from({ length: 80 }, (_, i) => ({
        stream: `mixed-${i}`,
        expectedVersion: 0,
        events: [i % 2 === 0 ? { type: 'Numbered', schemaVersion: 1, data: { n: i } } : { type: 'Ignored', schemaVersion: 1, data: { n: i } }],
        meta,
      })),
    );
    await relay.start();
    await waitFor(async () => (await (await h.nc.jetstreamManager()).streams.info(h.streamName)).state.last_seq === 80, { what: '80 events relayed' });

    const transactions = new Set<string>();
    const applied: string[] = [];
    const projection: Projection = {
      name: 'selective',
      eventTypes: ['Numbered'],
      async apply(trx, event) {
        applied.push(event.type);
        const { rows } = await sql<{ txid: string }>`select txid_current()::text as txid`.execute(trx);
        transactions.add(rows[0]!.txid);
      },
    };
    // 'Numbered' is a synthetic type with no contract in libs/contracts: its payloads are not checked here.
    await run({ projection, validatePayload: () => undefined });
    await waitFor(consumerIdle('selective'), { what: 'every message acked' });

    expect(applied).toEqual(Array(40).fill('Numbered'));
    // One transaction per event would be 40; the messages fetched together share one.
    expect(transactions.size).toBeLessThan(10);
    const marked = await h.db.withSchema(SCHEMA).selectFrom('projection_processed').select((eb) => eb.fn.countAll().as('n')).where('projection', '=', 'selective').executeTakeFirstOrThrow();
    expect(Number(marked.n)).toBe(40);
    const checkpoint = await h.db.withSchema(SCHEMA).selectFrom('projection_checkpoints').selectAll().where('projection', '=', 'selective').executeTakeFirstOrThrow();
    expect(Number(checkpoint.stream_seq)).toBe(79); // the last 'Numbered'
    // Its durable delivered only those: the ignored ones never left JetStream.
    const consumer = await (await h.nc.jetstreamManager()).consumers.info(h.streamName, durableName(SCHEMA, 'selective'));
    expect(consumer.config.filter_subject).toBe(eventFilterSubject(h.prefix, SERVICE, ['Numbered']));
    expect(consumer.delivered.consumer_seq).toBe(40);
  });

  it('migrates a durable of an older release: reads its legacy-subject messages unfiltered, then only what it applies; nothing lost, nothing applied twice', async () => {
    const jsm = await h.nc.jetstreamManager();
    await ensureEventStream(jsm, h.prefix, SERVICE);
    const mixed = (from: number, count: number) =>
      store.appendBatch(
        Array.from({ length: count }, (_, i) => ({
          stream: `legacy-${from + i}`,
          expectedVersion: 0,
          events: [(from + i) % 2 === 0 ? { type: 'Numbered', schemaVersion: 1, data: { n: from + i } } : { type: 'Ignored', schemaVersion: 1, data: { n: from + i } }],
          meta,
        })),
      );
    // What a release before topics published: `<prefix>.evt.<service>.<type>`.
    const publishLegacy = async (events: EventEnvelope[]) => {
      for (const e of events) await h.nc.jetstream().publish(`${h.prefix}.evt.${SERVICE}.${e.type}`, JSON.stringify(e), { msgID: e.id });
    };
    const counted = countingProjection('migrating', 'ca.counted');
    const onlyNumbered = (eventTypes?: string[]): Projection => ({ name: 'migrating', ...(eventTypes ? { eventTypes } : {}), apply: (trx, event) => (event.type === 'Numbered' ? counted.apply(trx, event) : Promise.resolve()) });
    const numberedRows = async () => (await countingRows(h.db, 'ca.counted')).length;

    // The older release: its durable reads the whole stream (no eventTypes here: no filter).
    await publishLegacy((await mixed(0, 10)).flat());
    const old = await run({ projection: onlyNumbered(), validatePayload: () => undefined });
    await waitFor(async () => (await numberedRows()) === 5 && (await consumerIdle('migrating')()), { what: 'the older release applied its 10 messages' });
    await old.stop();
    expect((await consumerInfoOf('migrating')).config.filter_subject ?? '').toBe('');

    // While no consumer runs, an older replica publishes 6 more, then this release's relay publishes the rest.
    await publishLegacy((await mixed(10, 6)).flat());
    await mixed(16, 6);
    await relay.start();
    await waitFor(async () => (await jsm.streams.info(h.streamName)).state.last_seq === 22, { what: '22 messages in the stream' });

    await run({ projection: onlyNumbered(['Numbered']), validatePayload: () => undefined, legacyRecheckMs: 200 });
    const filter = eventFilterSubject(h.prefix, SERVICE, ['Numbered']);
    await waitFor(async () => (await numberedRows()) === 11 && (await consumerInfoOf('migrating')).config.filter_subject === filter && (await consumerIdle('migrating')()), {
      what: 'legacy messages applied, then the durable filtered',
    });

    // An older replica still publishing after the switch: found by the periodic look, applied once.
    await publishLegacy((await mixed(22, 2)).flat());
    await waitFor(async () => (await numberedRows()) === 12, { what: 'a late legacy message applied' });
    await mixed(24, 4);
    await waitFor(async () => (await numberedRows()) === 14 && (await consumerInfoOf('migrating')).config.filter_subject === filter && (await consumerIdle('migrating')()), {
      what: 'filtered again after the late legacy message',
    });
    expect((await countingRows(h.db, 'ca.counted')).every((r) => r.count === 1)).toBe(true);
    expect([...counted.calls.values()]).toEqual(Array(14).fill(1));
    // Filtered from here on: 4 new events, 2 of them delivered.
    const delivered = (await consumerInfoOf('migrating')).delivered.consumer_seq;
    await mixed(28, 4);
    await waitFor(async () => (await numberedRows()) === 16 && (await consumerIdle('migrating')()), { what: 'filtered deliveries applied' });
    expect((await consumerInfoOf('migrating')).delivered.consumer_seq - delivered).toBe(2);
  }, 60_000);

  it('applyMany: a batch reaches the projection in one call (stream order, only the types it applies); a failing batch is retried event by event and the poison one parked', async () => {
    await store.appendBatch(
      Array.from({ length: 60 }, (_, i) => ({
        stream: `many-${i}`,
        expectedVersion: 0,
        events: [i % 3 === 2 ? { type: 'Ignored', schemaVersion: 1, data: { n: i } } : { type: 'Numbered', schemaVersion: 1, data: { n: i, poison: i === 31 } }],
        meta,
      })),
    );
    await relay.start();
    await waitFor(async () => (await (await h.nc.jetstreamManager()).streams.info(h.streamName)).state.last_seq === 60, { what: '60 events relayed' });

    const calls: number[][] = [];
    const write = async (trx: Parameters<Projection['apply']>[0], events: readonly EventEnvelope[]) => {
      if (events.some((e) => (e.data as { poison: boolean }).poison)) throw new Error('poison');
      await trx
        .insertInto('ca.counted')
        .values(events.map((e) => ({ event_id: e.id, count: 1, stream: e.stream })))
        .onConflict((oc) => oc.column('event_id').doUpdateSet((eb) => ({ count: eb(eb.ref('ca.counted.count'), '+', 1) })))
        .execute();
    };
    const projection: Projection = {
      name: 'many',
      eventTypes: ['Numbered'],
      apply: async (trx, event) => {
        calls.push([(event.data as { n: number }).n]);
        await write(trx, [event]);
      },
      applyMany: async (trx, events) => {
        calls.push(events.map((e) => (e.data as { n: number }).n));
        await write(trx, events);
      },
    };
    await run({ projection, validatePayload: () => undefined, maxAttempts: 2 });
    await waitFor(consumerIdle('many'), { what: 'every message acked or parked' });

    const numbered = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 3 !== 2);
    // Some call held several events (a batch), each call's events are in stream order, and no ignored type reached it.
    expect(calls.some((c) => c.length > 1)).toBe(true);
    for (const c of calls) expect(c).toEqual([...c].sort((a, b) => a - b));
    expect(calls.flat().every((n) => n % 3 !== 2)).toBe(true);
    // Every event but the poison one applied exactly once (the failed batch rolled back whole).
    const rows = await countingRows(h.db, 'ca.counted');
    expect(rows.every((r) => r.count === 1)).toBe(true);
    expect(rows.map((r) => Number(r.stream.slice('many-'.length))).sort((a, b) => a - b)).toEqual(numbered.filter((n) => n !== 31));
    const parked = await h.db.withSchema(SCHEMA).selectFrom('projection_parked').select(['event_id', 'attempts']).where('projection', '=', 'many').execute();
    expect(parked).toHaveLength(1);
  });

  /**
   * What a dead consumer costs, and how long "not found" waits (issue #12 §2): a message held by a
   * process that died is redelivered within the (short) ack wait, a live runner's slow transaction
   * is heartbeaten instead of redelivered, a durable left with an older ack wait is brought to the
   * current one, and the catch-up wait answers at once when the projection has applied its stream.
   */
  describe('after a dead consumer, heartbeats, catch-up', () => {
    const append = (n: number) => store.append(`s-${n}`, 0, evt(n), meta);
    const consumerInfo = async (projection: string) => (await h.nc.jetstreamManager()).consumers.info(h.streamName, durableName(SCHEMA, projection));
    /**
     * The projection's durable exists (made by an earlier runner), `count` events arrive, and a
     * process takes the first and dies before acking it: no ack, no nak, no heartbeat.
     */
    const durableWithHeldMessage = async (projection: Projection, count: number) => {
      const first = await run({ projection });
      await waitFor(async () => !!(await consumerInfo(projection.name).catch(() => undefined)), { what: 'durable created' });
      await first.stop();
      await relay.start();
      for (let n = 1; n <= count; n++) await append(n);
      await waitFor(async () => (await consumerInfo(projection.name)).num_pending === count, { what: 'events in the stream' });
      const held = await (await h.nc.jetstream().consumers.get(h.streamName, durableName(SCHEMA, projection.name))).fetch({ max_messages: 1, expires: 2_000 });
      for await (const msg of held) {
        expect(msg.seq).toBe(1);
        break;
      }
    };

    it('a message held by a dead process is redelivered within seconds, not after 30 s', async () => {
      const projection = countingProjection('dead-holder', 'ca.counted');
      await durableWithHeldMessage(projection, 1);
      const diedAt = Date.now();
      await run({ projection });
      await waitFor(async () => (await countingRows(h.db, 'ca.counted')).length === 1, { what: 'redelivered event projected', timeoutMs: 40_000 });
      const gapMs = Date.now() - diedAt;
      console.log(`redelivery after a dead consumer: ${gapMs} ms (ack wait ${DEFAULT_ACK_WAIT_MS} ms)`);
      expect(gapMs).toBeLessThan(DEFAULT_ACK_WAIT_MS + 5_000);
    }, 60_000);

    it('a slow transaction is heartbeaten: a replica sharing the durable does not get it again', async () => {
      let slow = true;
      const projection = countingProjection('slow', 'ca.counted', {
        before: async () => {
          if (slow) {
            slow = false;
            await new Promise((resolve) => setTimeout(resolve, 3_500));
          }
        },
      });
      let handled = 0; // deliveries that reached the ack (a redelivered copy is skipped, then acked: it counts)
      const beforeAck = () => void handled++;
      await run({ projection, ackWaitMs: 1_000, beforeAck });
      await run({ projection, ackWaitMs: 1_000, beforeAck });
      await relay.start();
      await append(1);
      await waitFor(async () => (await countingRows(h.db, 'ca.counted')).length === 1, { what: 'slow event projected', timeoutMs: 15_000 });
      await waitFor(async () => (await consumerInfo('slow')).num_ack_pending === 0, { what: 'acked' });
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // a redelivery, if any, would have arrived by now
      expect(handled).toBe(1);
      expect([...projection.calls.values()]).toEqual([1]);
    }, 30_000);

    it('a durable made with an older, longer ack wait is brought to the current one', async () => {
      await ensureEventStream(await h.nc.jetstreamManager(), h.prefix, SERVICE);
      await (await h.nc.jetstreamManager()).consumers.add(h.streamName, { durable_name: durableName(SCHEMA, 'old-durable'), ack_policy: AckPolicy.Explicit, ack_wait: nanos(30_000) });
      await run({ projection: countingProjection('old-durable', 'ca.counted') });
      await waitFor(async () => (await consumerInfo('old-durable')).config.ack_wait === nanos(DEFAULT_ACK_WAIT_MS), { what: 'ack wait updated' });
    });

    it('catch-up: answers at once when the projection has applied its stream, waits only while it has not', async () => {
      const projection = countingProjection('catching', 'ca.counted');
      await relay.start();
      await append(1);
      await waitFor(async () => (await h.nc.jetstreamManager()).streams.info(h.streamName).then((i) => i.state.last_seq === 1, () => false), { what: 'event published' });
      // No runner: behind, and still behind at the deadline.
      const jsm = await h.nc.jetstreamManager();
      let started = Date.now();
      expect(await catchUp({ db: h.db, schema: SCHEMA, projection: 'catching', streamName: h.streamName, durable: durableName(SCHEMA, 'catching'), jsm: async () => jsm })(300)).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      // Running: it catches up while we wait.
      const r = await run({ projection });
      expect(await r.catchUp(20_000)).toBe(true);
      expect(await countingRows(h.db, 'ca.counted')).toHaveLength(1);
      // Caught up: a huge timeout costs nothing.
      started = Date.now();
      expect(await r.catchUp(3_600_000)).toBe(true);
      expect(Date.now() - started).toBeLessThan(1_000);
    }, 30_000);

    it('catch-up with replicas: a checkpoint moved past an event another (dead) replica holds is not caught up', async () => {
      const projection = countingProjection('shared', 'ca.counted');
      // A replica took seq 1 and died; another applied seq 2 and moved the checkpoint there.
      await durableWithHeldMessage(projection, 2);
      await advanceCheckpoint(h.db, SCHEMA, 'shared', 2, null);
      const jsm = await h.nc.jetstreamManager();
      const shared = catchUp({ db: h.db, schema: SCHEMA, projection: 'shared', streamName: h.streamName, durable: durableName(SCHEMA, 'shared'), jsm: async () => jsm });
      expect(await shared(300)).toBe(false);
      await run({ projection });
      expect(await shared(20_000)).toBe(true); // seq 1 redelivered after the ack wait, applied, acked
      expect((await countingRows(h.db, 'ca.counted')).length).toBeGreaterThanOrEqual(1);
    }, 40_000);
  });
});
