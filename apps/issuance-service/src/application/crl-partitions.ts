/**
 * Which CRL partition a CA's next certificate is bound to (CrlType PARTITIONED). Each partition
 * holds at most `size` certificates (PKI_CRL_PARTITION_SIZE), so its CRL stays small however many
 * certificates the CA issues: a revocation regenerates one partition's CRL, not a CRL of every
 * revoked certificate. Slots are reserved from Postgres in blocks (one statement per block, see
 * crl-partition.queries.ts) and handed out from memory, so issuance pays a round trip per block,
 * not per certificate; slots a process reserved and did not use (it stopped) are simply skipped.
 */
import type { Kysely } from 'kysely';
import { reserveCrlPartitionSlots, type ReservedSlots } from '../infrastructure/crl-partition.queries';

/** AWS does not publish its partition size; this platform's default (README "Partitioned CRLs"). */
export const DEFAULT_CRL_PARTITION_SIZE = 100_000;
/** Slots reserved per round trip (at most the partition size). */
export const CRL_PARTITION_BLOCK = 256;

interface Block {
  readonly slots: ReservedSlots;
  readonly location: string;
  used: number;
}

export class CrlPartitions {
  private readonly blocks = new Map<string, Block>();
  /** One reservation in flight per CA: concurrent requests share it. */
  private readonly reserving = new Map<string, Promise<Block>>();
  private readonly block: number;

  constructor(
    private readonly db: Kysely<any>,
    readonly size: number = DEFAULT_CRL_PARTITION_SIZE,
  ) {
    if (!Number.isSafeInteger(size) || size < 1) throw new Error(`the CRL partition size must be a positive integer, not ${size}`);
    this.block = Math.min(CRL_PARTITION_BLOCK, size);
  }

  /**
   * The partition (a UUID) the CA's next certificate is bound to, among those published at
   * `location` (the CA's bucket and URL form: a partition's URL is fixed, so a changed CRL
   * configuration opens a new partition).
   */
  async next(caId: string, location: string): Promise<string> {
    for (;;) {
      const current = this.blocks.get(caId);
      if (current && current.location === location && current.used < current.slots.count) {
        current.used++;
        return current.slots.partitionId;
      }
      let pending = this.reserving.get(caId);
      if (!pending) {
        pending = reserveCrlPartitionSlots(this.db, caId, location, this.block, this.size).then((slots) => ({ slots, location, used: 0 }));
        this.reserving.set(caId, pending);
        pending.then(
          (fresh) => {
            this.blocks.set(caId, fresh);
            this.reserving.delete(caId);
          },
          () => this.reserving.delete(caId),
        );
      }
      const fresh = await pending;
      // Another waiter may have installed it first; the loop takes a slot from whatever is current.
      if (this.blocks.get(caId) !== fresh) this.blocks.set(caId, fresh);
    }
  }
}

/** PKI_CRL_PARTITION_SIZE: certificates per CRL partition (default 100,000). */
export function crlPartitionSizeFrom(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_CRL_PARTITION_SIZE;
  const size = Number(raw);
  if (!Number.isSafeInteger(size) || size < 1 || size > 10_000_000) {
    throw new Error(`PKI_CRL_PARTITION_SIZE must be a whole number of certificates from 1 to 10000000, not ${JSON.stringify(raw)}`);
  }
  return size;
}
