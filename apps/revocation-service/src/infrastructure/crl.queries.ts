import { sql, type Kysely, type Transaction } from 'kysely';
import { REVOCATION_SCHEMA, revocationDb, type RevocationDb } from './database';
import type { CrlPartitionRow, CrlPartitionUpdate } from './tables/crl-partition.table';
import type { CrlStateRow, CrlStateUpdate } from './tables/crl-state.table';

/**
 * Allocates the next cRLNumber of a CA in its own committed statement (never inside the CRL's
 * transaction): the row update serializes replicas, and a number once handed out is never
 * handed out again, even when the CRL built with it is never published (RFC 5280 §5.2.3 wants
 * numbers strictly increasing, not contiguous).
 */
export async function allocateCrlNumber(db: Kysely<any>, caId: string): Promise<bigint> {
  const row = await sql<{ last_number: string }>`
    insert into ${sql.id(REVOCATION_SCHEMA, 'crl_numbers')} as n (ca_id, last_number) values (${caId}, 1)
    on conflict (ca_id) do update set last_number = n.last_number + 1
    returning last_number::text as last_number`.execute(db);
  return BigInt(row.rows[0]!.last_number);
}

export async function ensureCrlState(db: RevocationDb, caId: string): Promise<void> {
  await db.insertInto('crl_states').values({ ca_id: caId }).onConflict((oc) => oc.column('ca_id').doNothing()).execute();
}

/** Locks the CA's CRL state for the rest of the transaction; undefined when another replica holds it. */
export async function lockCrlState(trx: Transaction<any>, caId: string): Promise<CrlStateRow | undefined> {
  return revocationDb(trx).selectFrom('crl_states').selectAll().where('ca_id', '=', caId).forUpdate().skipLocked().executeTakeFirst();
}

export async function updateCrlState(db: RevocationDb, caId: string, changes: CrlStateUpdate): Promise<void> {
  await db.updateTable('crl_states').set(changes).where('ca_id', '=', caId).execute();
}

export async function recordCrlFailure(db: RevocationDb, caId: string, retryAfter: Date, error: string): Promise<void> {
  await db
    .updateTable('crl_states')
    .set((eb) => ({ failures: eb('failures', '+', 1), retry_after: retryAfter, last_error: error.slice(0, 2000) }))
    .where('ca_id', '=', caId)
    .execute();
}

/** CAs whose CRL is enabled and which can sign, with their CRL scheduling state. */
export async function crlCandidates(db: RevocationDb) {
  return db
    .selectFrom('cas as c')
    .leftJoin('crl_states as s', 's.ca_id', 'c.id')
    .select(['c.id', 'c.crl_type', 'c.config_seq', 'c.crl_dirty_seq', 'c.crl_dirty_since', 's.crl_number', 's.generated_config_seq', 's.generated_dirty_seq', 's.this_update', 's.next_update', 's.retry_after', 's.pending_event'])
    .where('c.crl_enabled', '=', true)
    .where('c.status', '=', 'ACTIVE')
    .where('c.certificate_der', 'is not', null)
    .execute();
}

/** Clears the CA's dirty mark when no revocation arrived since `seq` was read. */
export async function clearCrlDirty(db: RevocationDb, caId: string, seq: string): Promise<void> {
  await db.updateTable('cas').set({ crl_dirty_since: null }).where('id', '=', caId).where('crl_dirty_seq', '=', seq).execute();
}

/**
 * The CRL partitions of CAs that publish CRLs, with their scheduling state, except partitions
 * that are done: every certificate bound to them expired before the thisUpdate of their last
 * published CRL, which therefore carried each entry one last time (RFC 5280 §3.3, entryCutoff).
 */
export async function crlPartitionCandidates(db: RevocationDb) {
  return db
    .selectFrom('crl_partitions as p')
    .innerJoin('cas as c', 'c.id', 'p.ca_id')
    .select(['p.ca_id', 'p.partition_id', 'c.config_seq', 'p.dirty_seq', 'p.dirty_since', 'p.generated_config_seq', 'p.generated_dirty_seq', 'p.this_update', 'p.next_update', 'p.retry_after', 'p.pending_event'])
    .where('c.crl_enabled', '=', true)
    .where('c.status', '=', 'ACTIVE')
    .where('c.certificate_der', 'is not', null)
    .where((eb) => eb.or([eb('p.this_update', 'is', null), eb('p.max_not_after', '>=', eb.ref('p.this_update'))]))
    .execute();
}

/**
 * Takes the right to generate one partition's CRL for the rest of the transaction (a transaction
 * advisory lock, not a row lock: revocations keep marking the partition dirty meanwhile); false
 * when another replica holds it. Then reads the partition's state.
 */
export async function lockCrlPartition(trx: Transaction<any>, caId: string, partition: string): Promise<CrlPartitionRow | undefined> {
  const lock = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${`crl-partition/${caId}/${partition}`}, 0)) as locked`.execute(trx);
  if (!lock.rows[0]?.locked) return undefined;
  return revocationDb(trx).selectFrom('crl_partitions').selectAll().where('ca_id', '=', caId).where('partition_id', '=', partition).executeTakeFirst();
}

export async function updateCrlPartition(db: RevocationDb, caId: string, partition: string, changes: CrlPartitionUpdate): Promise<void> {
  await db.updateTable('crl_partitions').set(changes).where('ca_id', '=', caId).where('partition_id', '=', partition).execute();
}

export async function recordCrlPartitionFailure(db: RevocationDb, caId: string, partition: string, retryAfter: Date, error: string): Promise<void> {
  await db
    .updateTable('crl_partitions')
    .set((eb) => ({ failures: eb('failures', '+', 1), retry_after: retryAfter, last_error: error.slice(0, 2000) }))
    .where('ca_id', '=', caId)
    .where('partition_id', '=', partition)
    .execute();
}

/** Clears the partition's dirty mark when no revocation arrived since `seq` was read. */
export async function clearCrlPartitionDirty(db: RevocationDb, caId: string, partition: string, seq: string): Promise<void> {
  await db.updateTable('crl_partitions').set({ dirty_since: null }).where('ca_id', '=', caId).where('partition_id', '=', partition).where('dirty_seq', '=', seq).execute();
}
