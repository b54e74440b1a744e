import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { ISSUANCE_SCHEMA } from './database';

export interface ReservedSlots {
  readonly partitionId: string;
  readonly partitionIndex: number;
  /** How many certificates of this block may be bound to the partition. */
  readonly count: number;
}

/**
 * Reserves `block` certificate slots of the CA's current CRL partition, moving to a new partition
 * (a fresh UUID) when the current one has fewer than `block` slots left of `size` or is published
 * at another `location` (the CA's CRL configuration changed: a partition's URL never does). One statement,
 * in its own transaction: the row lock serializes replicas for that statement only, so issuance
 * never waits on another request's transaction.
 */
export async function reserveCrlPartitionSlots(db: Kysely<any>, caId: string, location: string, block: number, size: number): Promise<ReservedSlots> {
  const fresh = randomUUID();
  const table = sql.id(ISSUANCE_SCHEMA, 'crl_partition_cursors');
  const result = await sql<{ partition_id: string; partition_index: number }>`
    insert into ${table} as c (ca_id, partition_id, partition_index, allocated, location) values (${caId}, ${fresh}, 0, ${block}, ${location})
    on conflict (ca_id) do update set
      partition_id = case when c.allocated + ${block} > ${size} or c.location <> ${location} then ${fresh} else c.partition_id end,
      partition_index = case when c.allocated + ${block} > ${size} or c.location <> ${location} then c.partition_index + 1 else c.partition_index end,
      allocated = case when c.allocated + ${block} > ${size} or c.location <> ${location} then ${block} else c.allocated + ${block} end,
      location = ${location}
    returning partition_id, partition_index`.execute(db);
  const row = result.rows[0]!;
  return { partitionId: row.partition_id, partitionIndex: row.partition_index, count: block };
}
