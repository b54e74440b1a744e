import type { ColumnType, Insertable, Selectable } from 'kysely';

/** One row per event; the append-only source of truth of a service. */
export interface EventsTable {
  /** Global order of insertion. Assigned before commit, so never used to tail the log (see outbox). */
  position: ColumnType<string, never, never>;
  id: string;
  stream: string;
  version: number;
  type: string;
  schema_version: number;
  occurred_at: ColumnType<Date, Date, never>;
  correlation_id: string;
  causation_id: string | null;
  account_id: string;
  /** W3C traceparent of the span that appended the event; null without tracing (added 2026-12-07). */
  trace_parent: ColumnType<string | null, string | null | undefined, never>;
  data: ColumnType<unknown, string, never>;
}

export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Insertable<EventsTable>;
