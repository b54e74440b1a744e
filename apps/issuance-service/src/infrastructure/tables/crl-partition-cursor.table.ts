/**
 * The partition a CA's next certificates go to (CrlType PARTITIONED), and how many of its slots
 * have been handed out. Replicas reserve slots in blocks (crl-partition.queries.ts); a block a
 * replica did not use is lost, so a partition holds at most the partition size.
 */
export interface CrlPartitionCursorTable {
  ca_id: string;
  /** The partition's id (a UUID): the `<id>.crl` of its CRL. */
  partition_id: string;
  /** 0 for the CA's first partition, then 1, 2, ... */
  partition_index: number;
  allocated: number;
  /** Where the partition's CRL is published (its bucket and URL form); another location opens a new partition. */
  location: string;
}
