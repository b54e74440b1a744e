import type { ColumnType, Selectable } from 'kysely';

/** The incarnation of the JetStream stream the outbox relay publishes into (stream-incarnation.ts). */
export interface OutboxStreamTable {
  stream: string;
  /** StreamInfo.created of the stream the relay last published into. */
  created: string;
  recorded_at: ColumnType<Date, Date | undefined, Date | undefined>;
}

export type OutboxStreamRow = Selectable<OutboxStreamTable>;
