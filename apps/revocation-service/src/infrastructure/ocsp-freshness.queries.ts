import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { RevocationDb } from './database';

/** Takes the next revocation sequence inside a revocation's transaction (its row lock is held until that commit). */
export async function takeRevocationSequence(db: RevocationDb): Promise<string> {
  const row = await db
    .updateTable('revocation_sequence')
    .set({ last: sql`last + 1` })
    .returning('last')
    .executeTakeFirstOrThrow();
  return String(row.last);
}

/** Renews (or starts) a responder's lease: it runs until Postgres's now() + leaseMs. */
export async function renewResponderLease(db: RevocationDb, id: string, leaseMs: number): Promise<void> {
  const until = sql<Date>`now() + make_interval(secs => ${leaseMs / 1000})`;
  await db
    .insertInto('ocsp_responders')
    .values({ id, lease_until: until })
    .onConflict((oc) => oc.column('id').doUpdateSet({ lease_until: until }))
    .execute();
}

/** Forgets responders whose lease ended long ago (processes gone). */
export async function forgetOldResponders(db: RevocationDb, olderThanSeconds: number): Promise<void> {
  await db.deleteFrom('ocsp_responders').where('lease_until', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`).execute();
}

/** Responders whose lease runs now, and for how long still (milliseconds, Postgres's clock). */
export async function liveResponders(db: RevocationDb): Promise<{ id: string; remainingMs: number }[]> {
  const rows = await db
    .selectFrom('ocsp_responders')
    .select(['id', sql<string>`ceil(extract(epoch from (lease_until - now())) * 1000)`.as('remaining_ms')])
    .where('lease_until', '>', sql<Date>`now()`)
    .execute();
  return rows.map((r) => ({ id: r.id, remainingMs: Number(r.remaining_ms) }));
}

/**
 * The last revocation sequence and, when `after` is given, the revocations after it up to that
 * one (at most `limit` + 1 of them, so the caller can tell "too many"), in one statement: one
 * snapshot, in which every sequence up to `last` is committed.
 */
export async function revocationsSince(db: RevocationDb, after: string | null, limit: number): Promise<{ last: string; revoked: [string, string][] }> {
  if (after === null) {
    const { last } = await db.selectFrom('revocation_sequence').select('last').executeTakeFirstOrThrow();
    return { last: String(last), revoked: [] };
  }
  const rows = await db
    .selectFrom('revocation_sequence as s')
    .leftJoin('revocations as r', (join) => join.on('r.sequence', '>', sql<string>`${after}::bigint`).on('r.sequence', '<=', sql.ref('s.last')))
    .select(['s.last', 'r.ca_id', 'r.serial'])
    .orderBy('r.sequence')
    .limit(limit + 1)
    .execute();
  const last = String(rows[0]!.last);
  return { last, revoked: rows.flatMap((r) => (r.ca_id === null || r.serial === null ? [] : [[r.ca_id, r.serial] as [string, string]])) };
}

/** Every CA's read-model version, and a digest of them all (changes whenever any CA row changes, or one appears). */
export async function caVersions(db: RevocationDb): Promise<{ epoch: string; cas: [string, number][] }> {
  const rows = await db.selectFrom('cas').select(['id', 'version']).orderBy('id').execute();
  const cas = rows.map((r) => [r.id, r.version] as [string, number]);
  const epoch = createHash('sha256').update(cas.map(([id, version]) => `${id}:${version}`).join(',')).digest('base64url');
  return { epoch, cas };
}
