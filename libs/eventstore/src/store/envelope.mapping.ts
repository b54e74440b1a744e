import type { EventEnvelope, EventMetadata, NewEvent } from '@pki/contracts';
import { currentTraceParent } from '@pki/service-kit';
import type { EventRow, NewEventRow } from './events.table';

/** Stored row -> wire envelope. `occurredAt` is ISO-8601 UTC; `data` is the jsonb value as stored. */
export function rowToEnvelope(row: EventRow): EventEnvelope {
  return {
    id: row.id,
    stream: row.stream,
    version: Number(row.version),
    type: row.type,
    schemaVersion: Number(row.schema_version),
    occurredAt: new Date(row.occurred_at).toISOString(),
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    accountId: row.account_id,
    ...(row.trace_parent ? { traceParent: row.trace_parent } : {}),
    data: row.data,
  };
}

/**
 * `meta` with the trace context of the active span (when tracing is on and the metadata names
 * none). An append takes it where it runs; code that queues appends to commit them later in
 * another request's batch (group commit) stamps the metadata when it queues, so each event keeps
 * its own request's trace.
 */
export function withActiveTrace(meta: EventMetadata): EventMetadata {
  if (meta.traceParent !== undefined) return meta;
  const traceParent = currentTraceParent();
  return traceParent ? { ...meta, traceParent } : meta;
}

/**
 * The envelopes an append will store: versions follow `expectedVersion`, ids and time are injected;
 * the trace context is the metadata's, else the active span's (none when tracing is off).
 */
export function buildEnvelopes(
  stream: string,
  expectedVersion: number,
  events: readonly NewEvent[],
  meta: EventMetadata,
  now: Date,
  newId: () => string,
): EventEnvelope[] {
  const occurredAt = now.toISOString();
  const traceParent = withActiveTrace(meta).traceParent ?? undefined;
  return events.map((event, i) => ({
    id: newId(),
    stream,
    version: expectedVersion + i + 1,
    type: event.type,
    schemaVersion: event.schemaVersion,
    occurredAt,
    correlationId: meta.correlationId,
    causationId: meta.causationId,
    accountId: meta.accountId,
    ...(traceParent ? { traceParent } : {}),
    data: event.data,
  }));
}

export function envelopeToRow(envelope: EventEnvelope): NewEventRow {
  return {
    id: envelope.id,
    stream: envelope.stream,
    version: envelope.version,
    type: envelope.type,
    schema_version: envelope.schemaVersion,
    occurred_at: new Date(envelope.occurredAt),
    correlation_id: envelope.correlationId,
    causation_id: envelope.causationId,
    account_id: envelope.accountId,
    trace_parent: envelope.traceParent ?? null,
    // jsonb via a JSON string: pg would turn a top-level array into a Postgres array literal.
    data: JSON.stringify(envelope.data ?? null),
  };
}
