import { sql } from 'kysely';
import type { CertificateIssuedV1, CrlPartitionBinding } from '@pki/contracts';
import type { RevocationDb } from './database';
import type { IssuedCertificateRow, NewIssuedCertificateRow } from './tables/issued-certificate.table';
import type { NewRevocationRow } from './tables/revocation.table';

/** Idempotent: a redelivered CertificateIssued leaves the row as it is. */
export async function insertIssuedCertificate(db: RevocationDb, row: NewIssuedCertificateRow, partition?: CrlPartitionSighting): Promise<void> {
  await insertIssuedCertificates(db, [row]);
  if (partition) await recordCrlPartitions(db, [partition]);
}

/** A certificate bound to a CRL partition, as CertificateIssued tells it: the partition's location and the certificate's notAfter. */
export interface CrlPartitionSighting {
  readonly caId: string;
  readonly binding: CrlPartitionBinding;
  readonly notAfter: Date;
}

export function crlPartitionSighting(data: CertificateIssuedV1): CrlPartitionSighting | undefined {
  return data.crlPartition ? { caId: data.certificateAuthorityId, binding: data.crlPartition, notAfter: new Date(data.notAfter) } : undefined;
}

/** Rows per statement: 9 parameters each, far below Postgres's 65,535 bind parameters. */
const INSERT_CHUNK = 500;

/**
 * `insertIssuedCertificate` for several rows, one statement per INSERT_CHUNK rows (a projection
 * batch is one round trip). A row whose (ca_id, serial) is already stored, or repeats an earlier
 * row of `rows`, is skipped: the first one stays, as with one insert per row in order.
 */
export async function insertIssuedCertificates(db: RevocationDb, rows: readonly NewIssuedCertificateRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await db
      .insertInto('issued_certificates')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.columns(['ca_id', 'serial']).doNothing())
      .execute();
  }
}

/**
 * The CRL partitions certificates were seen bound to: made on first sight with the location their
 * CertificateIssued names (kept thereafter), their max_not_after raised to the latest notAfter
 * bound to them (one statement per batch; a replayed event changes nothing).
 */
export async function recordCrlPartitions(db: RevocationDb, sightings: readonly CrlPartitionSighting[]): Promise<void> {
  const latest = new Map<string, { ca_id: string; partition_id: string; bucket: string; object_key: string; url: string; max_not_after: Date }>();
  for (const { caId, binding, notAfter } of sightings) {
    const key = `${caId}/${binding.id}`;
    const seen = latest.get(key);
    if (!seen) latest.set(key, { ca_id: caId, partition_id: binding.id, bucket: binding.bucket, object_key: binding.key, url: binding.url, max_not_after: notAfter });
    else if (seen.max_not_after < notAfter) seen.max_not_after = notAfter;
  }
  if (latest.size === 0) return;
  await db
    .insertInto('crl_partitions')
    .values([...latest.values()])
    .onConflict((oc) => oc.columns(['ca_id', 'partition_id']).doUpdateSet({ max_not_after: sql`greatest(crl_partitions.max_not_after, excluded.max_not_after)` }))
    .execute();
}

export async function findIssuedCertificate(db: RevocationDb, caId: string, serial: string): Promise<IssuedCertificateRow | undefined> {
  return db.selectFrom('issued_certificates').selectAll().where('ca_id', '=', caId).where('serial', '=', serial).executeTakeFirst();
}

export async function insertRevocation(db: RevocationDb, row: NewRevocationRow): Promise<void> {
  await db.insertInto('revocations').values(row).execute();
}

/**
 * A revocation changes one CRL: the CA's complete CRL (`partition` null) or one partition's. Bump
 * that CRL's dirty counter, remembering when the first unpublished revocation happened.
 */
export async function markCrlDirty(db: RevocationDb, caId: string, at: Date, partition: string | null = null): Promise<void> {
  if (partition) {
    await db
      .updateTable('crl_partitions')
      .set((eb) => ({ dirty_seq: sql<string>`dirty_seq + 1`, dirty_since: eb.fn.coalesce('dirty_since', eb.val(at)) }))
      .where('ca_id', '=', caId)
      .where('partition_id', '=', partition)
      .execute();
    return;
  }
  await db
    .updateTable('cas')
    .set((eb) => ({ crl_dirty_seq: sql<string>`crl_dirty_seq + 1`, crl_dirty_since: eb.fn.coalesce('crl_dirty_since', eb.val(at)) }))
    .where('id', '=', caId)
    .execute();
}
