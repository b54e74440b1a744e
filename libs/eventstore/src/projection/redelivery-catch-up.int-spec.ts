/**
 * What a dead consumer costs, and how long "not found" waits (issue #12 §2): a message held by a
 * process that died is redelivered within the (short) ack wait, a live runner's slow transaction
 * is heartbeaten instead of redelivered, a durable left with an older ack wait is brought to the
 * current one, and the catch-up wait answers at once when the projection has applied its stream.
 */
import { AckPolicy, nanos } from 'nats';
import { waitFor } from '@pki/testing';
import { ensureEventStream } from '../jetstream/ensure-event-stream';
import { OutboxRelay } from '../relay/outbox-relay';
import { EventStore } from '../store/event-store';
import { countingProjection, countingRows, createCountingTable } from '../test-support/counting.projection';
import { meta, openHarness, quietLogger, SCHEMA, SERVICE, type Harness } from '../test-support/harness';
import { durableName } from './consumer-position';
import { DEFAULT_ACK_WAIT_MS } from './consumer-setup';
import { ProjectionRunner } from './projection-runner';

const evt = (n: number) => [{ type: 'Numbered', schemaVersion: 1, data: { n } }];

describe('ProjectionRunner: redelivery after a dead consumer, heartbeats, catch-up (Postgres + JetStream)', () => {
  let h: Harness;
  let store: EventStore;
  let relay: OutboxRelay;
  const runners: ProjectionRunner[] = [];
  const runner = (o: Omit<ConstructorParameters<typeof ProjectionRunner>[0], 'db' | 'schema' | 'nc' | 'prefix' | 'source'>) => {
    const r = new ProjectionRunner({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, source: SERVICE, logger: quietLogger, ...o });
    runners.push(r);
    return r;
  };
  const append = (n: number) => store.append(`s-${n}`, 0, evt(n), meta);
  const consumerInfo = async (projection: string) => (await h.nc.jetstreamManager()).consumers.info(h.streamName, durableName(SCHEMA, projection));

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

  it('a message held by a dead process is redelivered within seconds, not after 30 s', async () => {
    const projection = countingProjection('dead-holder', 'ca.counted');
    // The durable exists (made by an earlier runner); then an event arrives.
    const first = runner({ projection });
    await first.start();
    await waitFor(async () => !!(await consumerInfo('dead-holder').catch(() => undefined)), { what: 'durable created' });
    await first.stop();
    await relay.start();
    await append(1);
    await waitFor(async () => (await consumerInfo('dead-holder')).num_pending === 1, { what: 'event in the stream' });
    // A process takes the message and dies before acking: no ack, no nak, no heartbeat.
    const held = await h.nc.jetstream().consumers.get(h.streamName, durableName(SCHEMA, 'dead-holder'));
    const batch = await held.fetch({ max_messages: 1, expires: 2_000 });
    for await (const msg of batch) {
      expect(msg.seq).toBe(1);
      break;
    }
    const diedAt = Date.now();
    await runner({ projection }).start();
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
    await runner({ projection, ackWaitMs: 1_000, beforeAck }).start();
    await runner({ projection, ackWaitMs: 1_000, beforeAck }).start();
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
    await runner({ projection: countingProjection('old-durable', 'ca.counted') }).start();
    await waitFor(async () => (await consumerInfo('old-durable')).config.ack_wait === nanos(DEFAULT_ACK_WAIT_MS), { what: 'ack wait updated' });
  });

  it('catch-up: answers at once when the projection has applied its stream, waits only while it has not', async () => {
    const projection = countingProjection('catching', 'ca.counted');
    const r = runner({ projection });
    await relay.start();
    await append(1);
    await waitFor(async () => (await h.nc.jetstreamManager()).streams.info(h.streamName).then((i) => i.state.last_seq === 1, () => false), { what: 'event published' });
    // Not running: behind, and still behind at the deadline.
    let started = Date.now();
    expect(await r.catchUp(300)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // Running: it catches up while we wait.
    await r.start();
    expect(await r.catchUp(20_000)).toBe(true);
    expect(await countingRows(h.db, 'ca.counted')).toHaveLength(1);
    // Caught up: a huge timeout costs nothing.
    started = Date.now();
    expect(await r.catchUp(3_600_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  }, 30_000);
});
