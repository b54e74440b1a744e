import { metricsText } from '@pki/service-kit';
import { parsePrometheusText, sampleSum } from '@pki/testing';
import { createDb } from './db/create-db';
import { collectRuntimeMetrics } from './eventstore-metrics';
import { ensureEventStream } from './jetstream/ensure-event-stream';
import { advanceCheckpoint, insertParked } from './projection/projection.queries';
import { OutboxRelay } from './relay/outbox-relay';
import { ConcurrencyError } from './store/concurrency.error';
import { EventStore } from './store/event-store';
import { meta, openHarness, quietLogger, SCHEMA, SERVICE, type Harness } from './test-support/harness';

const evt = (n: number) => [{ type: 'Numbered', schemaVersion: 1, data: { n } }];

/**
 * The scrape-time figures against real Postgres and JetStream: events appended but not
 * relayed are the outbox backlog; relayed but not applied, a projection's lag; parked rows are
 * counted per projection; appends are timed by outcome.
 */
describe('event-store metrics (Postgres + JetStream)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(() => h?.close());

  it('report outbox backlog and age, projection lag and parked messages, pool usage and append outcomes', async () => {
    const db = createDb(h.url, { max: 3 });
    const stop = collectRuntimeMetrics({ db, schema: SCHEMA, jsm: () => h.nc.jetstreamManager(), projections: [{ projection: 'counting', source: SERVICE, streamName: h.streamName }] });
    const scrape = async () => parsePrometheusText(await metricsText());
    try {
      const store = new EventStore(db, { schema: SCHEMA });
      for (let n = 1; n <= 3; n++) await store.append(`s-${n}`, 0, evt(n), meta);
      await expect(store.append('s-1', 0, evt(9), meta)).rejects.toBeInstanceOf(ConcurrencyError);
      await new Promise((resolve) => setTimeout(resolve, 1100));

      let families = await scrape();
      expect(sampleSum(families, 'pki_eventstore_append_duration_seconds_count', { schema: SCHEMA, outcome: 'ok' })).toBe(3);
      expect(sampleSum(families, 'pki_eventstore_append_duration_seconds_count', { schema: SCHEMA, outcome: 'conflict' })).toBe(1);
      expect(sampleSum(families, 'pki_eventstore_events_appended_total', { schema: SCHEMA })).toBe(3);
      expect(sampleSum(families, 'pki_outbox_unpublished_events', { schema: SCHEMA })).toBe(3);
      expect(sampleSum(families, 'pki_outbox_oldest_unpublished_age_seconds', { schema: SCHEMA })).toBeGreaterThanOrEqual(1);
      expect(sampleSum(families, 'pki_projection_lag_events', { schema: SCHEMA, projection: 'counting' })).toBe(0); // no stream yet: nothing to apply
      expect(sampleSum(families, 'pki_db_pool_max_connections', { schema: SCHEMA })).toBe(3);
      expect(sampleSum(families, 'pki_db_pool_connections', { schema: SCHEMA })).toBeGreaterThanOrEqual(1);
      expect(sampleSum(families, 'pki_metrics_scrape_hook_failures_total', { hook: `eventstore-${SCHEMA}` })).toBe(0);

      await ensureEventStream(await h.nc.jetstreamManager(), h.prefix, SERVICE);
      const relay = new OutboxRelay({ db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, logger: quietLogger });
      expect(await relay.publishPending()).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      families = await scrape();
      expect(sampleSum(families, 'pki_outbox_unpublished_events', { schema: SCHEMA })).toBe(0);
      expect(sampleSum(families, 'pki_outbox_oldest_unpublished_age_seconds', { schema: SCHEMA })).toBe(0);
      expect(sampleSum(families, 'pki_projection_lag_events', { schema: SCHEMA, projection: 'counting', source: SERVICE })).toBe(3);
      expect(sampleSum(families, 'pki_projection_lag_seconds', { schema: SCHEMA, projection: 'counting' })).toBeGreaterThanOrEqual(1);
      expect(sampleSum(families, 'pki_projection_parked_messages', { schema: SCHEMA, projection: 'counting' })).toBe(0);

      await advanceCheckpoint(db, SCHEMA, 'counting', 2, null);
      await insertParked(db, SCHEMA, { projection: 'counting', stream_seq: '2', event_id: null, subject: 'x', payload: '{}', error: 'poison', attempts: 1 });
      families = await scrape();
      expect(sampleSum(families, 'pki_projection_lag_events', { schema: SCHEMA, projection: 'counting' })).toBe(1);
      expect(sampleSum(families, 'pki_projection_parked_messages', { schema: SCHEMA, projection: 'counting' })).toBe(1);
      await advanceCheckpoint(db, SCHEMA, 'counting', 3, null);
      families = await scrape();
      expect(sampleSum(families, 'pki_projection_lag_events', { schema: SCHEMA, projection: 'counting' })).toBe(0);
      expect(sampleSum(families, 'pki_projection_lag_seconds', { schema: SCHEMA, projection: 'counting' })).toBe(0);
    } finally {
      stop();
      await db.destroy();
    }
  });
});
