import type { ColumnType, Selectable, Updateable } from 'kysely';

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** The last CRL published per CA, and the scheduling state of the next one. */
export interface CrlStateTable {
  ca_id: string;
  generated_dirty_seq: ColumnType<string, string | number | undefined, string | number>;
  generated_config_seq: ColumnType<number, number | undefined, number>;
  crl_number: Nullable<string>;
  this_update: Nullable<Date>;
  next_update: Nullable<Date>;
  entry_count: Nullable<number>;
  failures: ColumnType<number, number | undefined, number>;
  retry_after: Nullable<Date>;
  last_error: Nullable<string>;
  pending_event: ColumnType<unknown, string | null | undefined, string | null>;
}

export type CrlStateRow = Selectable<CrlStateTable>;
export type CrlStateUpdate = Updateable<CrlStateTable>;
