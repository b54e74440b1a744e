/**
 * The event store's metrics: append latency (observed on every append), and, refreshed at each
 * scrape of /metrics by one short transaction per service (statement_timeout bounded, index-only
 * reads), the outbox backlog, projection lag and parked messages; plus the pg pool's usage.
 */
import { sql, type Kysely } from 'kysely';
import type { JetStreamManager } from 'nats';
import { counter, gauge, histogram, onScrape, timed } from '@pki/service-kit';
import { poolOf } from './db/create-db';
import { isStreamNotFound, lastSequenceOn } from './jetstream/jetstream-api';
import { isUniqueViolation } from './util/pg-errors';
import { ConcurrencyError } from './store/concurrency.error';

/** Past this many unpublished rows the backlog is reported as this many: the count stays cheap during an outage. */
const OUTBOX_COUNT_CAP = 100_000;

const appendLatency = histogram('pki_eventstore_append_duration_seconds', 'Event-store append transactions (events, outbox rows and in-transaction projections), by schema and outcome (ok, conflict, error)', ['schema', 'outcome']);
const appended = counter('pki_eventstore_events_appended_total', 'Events committed to the event store, by schema', ['schema']);

const outboxBacklog = gauge('pki_outbox_unpublished_events', `Outbox rows not yet published to JetStream, by schema (counted up to ${OUTBOX_COUNT_CAP})`, ['schema']);
const outboxAge = gauge('pki_outbox_oldest_unpublished_age_seconds', 'Age of the oldest outbox row not yet published to JetStream (0 when none), by schema', ['schema']);
const lagEvents = gauge('pki_projection_lag_events', "Source stream sequences from a projection's checkpoint to the last message it applies (the stream's last one for a consumer of every event); 0 when caught up", ['schema', 'projection', 'source']);
const lagSeconds = gauge('pki_projection_lag_seconds', 'Age of the oldest event a projection has not applied yet (0 when caught up)', ['schema', 'projection', 'source']);
const parked = gauge('pki_projection_parked_messages', 'Poison messages a projection parked (projection_parked rows), waiting for an operator', ['schema', 'projection']);
const poolTotal = gauge('pki_db_pool_connections', 'Connections open in the pg pool, by schema', ['schema']);
const poolIdle = gauge('pki_db_pool_idle_connections', 'Idle connections in the pg pool, by schema', ['schema']);
const poolWaiting = gauge('pki_db_pool_waiting_requests', 'Queries waiting for a connection of the pg pool (the pool is exhausted while above 0), by schema', ['schema']);
const poolMax = gauge('pki_db_pool_max_connections', 'Size limit of the pg pool, by schema', ['schema']);

/** Server-side bound of each scrape-time query (the scrape itself waits at most SCRAPE_HOOK_TIMEOUT_MS). */
const SCRAPE_STATEMENT_TIMEOUT_MS = 1_500;

/** Times one append transaction. */
export function observeAppend<T>(schema: string, events: number, work: () => Promise<T>): Promise<T> {
  return timed(appendLatency, work, (o) => {
    if (o.ok) appended.inc({ schema }, events);
    const conflict = !o.ok && (o.error instanceof ConcurrencyError || isUniqueViolation(o.error, 'events_stream_version_key'));
    return { schema, outcome: o.ok ? 'ok' : conflict ? 'conflict' : 'error' };
  });
}

export interface ObservedProjection {
  readonly projection: string;
  readonly source: string;
  readonly streamName: string;
  /** The subject its durable delivers (undefined, or absent: the whole stream). */
  readonly filter?: () => string | undefined;
}

export interface RuntimeMetricsTarget {
  readonly db: Kysely<any>;
  readonly schema: string;
  readonly jsm: () => Promise<JetStreamManager>;
  readonly projections: readonly ObservedProjection[];
}

interface DbFigures {
  readonly backlog: number;
  readonly oldestAgeSeconds: number;
  readonly checkpoints: ReadonlyMap<string, number>;
  readonly parked: ReadonlyMap<string, number>;
}

async function readDbFigures(db: Kysely<any>, schema: string): Promise<DbFigures> {
  return db.transaction().execute(async (trx) => {
    await sql.raw(`set local statement_timeout = ${SCRAPE_STATEMENT_TIMEOUT_MS}`).execute(trx);
    // Both outbox reads use the partial index outbox_pending_idx (rows with a publish due, by position).
    const outbox = await sql<{ backlog: string; age: number | null }>`
      select
        (select count(*) from (select 1 from ${sql.table(`${schema}.outbox`)} where published_at is null or not public_done limit ${OUTBOX_COUNT_CAP}) p) as backlog,
        (select extract(epoch from now() - created_at)::float8 from ${sql.table(`${schema}.outbox`)} where published_at is null or not public_done order by position limit 1) as age`.execute(trx);
    const checkpoints = await trx.withSchema(schema).selectFrom('projection_checkpoints').select(['projection', 'stream_seq']).execute();
    const parkedRows = await trx
      .withSchema(schema)
      .selectFrom('projection_parked')
      .select(['projection', sql<string>`count(*)`.as('n')])
      .groupBy('projection')
      .execute();
    const row = outbox.rows[0];
    return {
      backlog: Number(row?.backlog ?? 0),
      oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)),
      checkpoints: new Map(checkpoints.map((c: { projection: string; stream_seq: string }) => [c.projection, Number(c.stream_seq)])),
      parked: new Map(parkedRows.map((p: { projection: string; n: string }) => [p.projection, Number(p.n)])),
    };
  });
}

/** The oldest unapplied event's age: the stream message (on `filter`) right after the checkpoint (undefined when it is gone). */
async function secondsBehind(jsm: JetStreamManager, streamName: string, checkpoint: number, filter: string | undefined): Promise<number | undefined> {
  try {
    // next_by_subj: the first message from `seq` on the subject (nats-server 2.9; the client types it for direct get only).
    const request = filter === undefined ? { seq: checkpoint + 1 } : ({ seq: checkpoint + 1, next_by_subj: filter } as unknown as { seq: number });
    const msg = await jsm.streams.getMessage(streamName, request);
    return Math.max(0, (Date.now() - msg.time.getTime()) / 1000);
  } catch {
    return undefined;
  }
}

async function collect(target: RuntimeMetricsTarget): Promise<void> {
  const { schema } = target;
  const pool = poolOf(target.db);
  if (pool) {
    poolTotal.set({ schema }, pool.totalCount);
    poolIdle.set({ schema }, pool.idleCount);
    poolWaiting.set({ schema }, pool.waitingCount);
    poolMax.set({ schema }, pool.options.max ?? 10);
  }
  const figures = await readDbFigures(target.db, schema);
  outboxBacklog.set({ schema }, figures.backlog);
  outboxAge.set({ schema }, figures.oldestAgeSeconds);
  if (target.projections.length === 0) return;
  const jsm = await target.jsm();
  const lastSeqs = new Map<string, Promise<number>>();
  const lastSeqOf = (stream: string) => {
    let seq = lastSeqs.get(stream);
    if (!seq) lastSeqs.set(stream, (seq = jsm.streams.info(stream).then((info) => info.state.last_seq, (error: unknown) => (isStreamNotFound(error) ? 0 : Promise.reject(error)))));
    return seq;
  };
  await Promise.all(
    target.projections.map(async ({ projection, source, streamName, filter: filterOf }) => {
      const labels = { schema, projection, source };
      parked.set({ schema, projection }, figures.parked.get(projection) ?? 0);
      const checkpoint = figures.checkpoints.get(projection) ?? 0;
      const filter = filterOf?.();
      const last = filter === undefined ? await lastSeqOf(streamName) : await lastSequenceOn(jsm, streamName, filter);
      const behind = Math.max(0, last - checkpoint);
      lagEvents.set(labels, behind);
      const seconds = behind === 0 ? 0 : await secondsBehind(jsm, streamName, checkpoint, filter);
      if (seconds !== undefined) lagSeconds.set(labels, seconds);
    }),
  );
}

/** Registers the scrape-time collection of one service runtime; returns its removal. */
export function collectRuntimeMetrics(target: RuntimeMetricsTarget): () => void {
  return onScrape(`eventstore-${target.schema}`, () => collect(target));
}
