import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Events waiting to be (or recently) published to JetStream, written in the append's
 * transaction. Published rows are kept for a retention window with the JetStream sequence
 * they got, so events a crashed nats-server lost can be detected and published again.
 */
export interface OutboxTable {
  position: string;
  event_id: string;
  created_at: ColumnType<Date, Date | undefined, never>;
  published_at: Date | null;
  js_seq: string | null;
  /** The event's public feed events are published (or it makes none); set with published_at, kept when it is reset. */
  public_done: ColumnType<boolean, boolean | undefined, boolean>;
  /** The public stream's sequence and message id of the row's last public event (null: none published). */
  public_seq: string | null;
  public_id: string | null;
}

export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
export type OutboxUpdate = Updateable<OutboxTable>;
