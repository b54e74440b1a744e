import type { ColumnType, Selectable, Updateable } from 'kysely';

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

/**
 * One CRL partition of a CA (CrlType PARTITIONED): made by the first CertificateIssued bound to
 * it, marked dirty by each revocation in it, and the state of its last published CRL (as
 * crl_states is for the CA's complete CRL).
 */
export interface CrlPartitionTable {
  ca_id: string;
  partition_id: string;
  /** Where its CRL is written and fetched: fixed when the partition was opened. */
  bucket: string;
  object_key: string;
  url: string;
  max_not_after: Date;
  dirty_seq: ColumnType<string, string | number | undefined, string | number>;
  dirty_since: Nullable<Date>;
  generated_dirty_seq: ColumnType<string | null, string | number | null | undefined, string | number | null>;
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

export type CrlPartitionRow = Selectable<CrlPartitionTable>;
export type CrlPartitionUpdate = Updateable<CrlPartitionTable>;
