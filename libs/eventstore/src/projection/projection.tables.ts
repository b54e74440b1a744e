import type { ColumnType, Insertable, Selectable } from 'kysely';

/** Where each projection got to in its source stream (a restart hint; idempotency comes from processed events). */
export interface ProjectionCheckpointsTable {
  projection: string;
  stream_seq: string;
  /** Event id at `stream_seq`, to detect a stream that lost or renumbered messages. Null after a forced rewind. */
  event_id: string | null;
  updated_at: ColumnType<Date, Date | undefined, Date | undefined>;
  /** StreamInfo.created of the source stream `stream_seq` counts in; null until first recorded. */
  stream_created: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One row per (projection, event) applied or parked: what makes redelivery harmless. */
export interface ProjectionProcessedTable {
  projection: string;
  event_id: string;
  stream_seq: string;
  processed_at: ColumnType<Date, Date | undefined, never>;
}

/** Messages the runner gave up on (terminated in JetStream), for an operator to inspect and replay. */
export interface ProjectionParkedTable {
  id: ColumnType<string, never, never>;
  projection: string;
  stream_seq: string;
  event_id: string | null;
  subject: string;
  payload: string;
  error: string;
  attempts: number;
  parked_at: ColumnType<Date, Date | undefined, never>;
}

export type ProjectionCheckpoint = Selectable<ProjectionCheckpointsTable>;
export type ParkedMessage = Selectable<ProjectionParkedTable>;
export type NewParkedMessage = Insertable<ProjectionParkedTable>;
