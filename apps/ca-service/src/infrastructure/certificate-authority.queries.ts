import { sql } from 'kysely';
import type { CertificateAuthorityCreatedV1 } from '@pki/contracts';
import type { CertificateAuthorityState } from '../domain/certificate-authority.state';
import type { CaDb } from './database';
import type { CertificateAuthorityRow, NewCertificateAuthorityRow } from './tables/certificate-authority.table';

/** The read-model columns a CA's state determines (everything but id, identity and lease). */
export type CertificateAuthorityFacts = Pick<
  NewCertificateAuthorityRow,
  | 'status'
  | 'tags'
  | 'revocation_configuration'
  | 'last_state_change_at'
  | 'serial'
  | 'not_before'
  | 'not_after'
  | 'failure_reason'
  | 'restorable_until'
  | 'csr'
  | 'certificate'
  | 'certificate_chain'
>;

export async function insertCertificateAuthority(db: CaDb, created: CertificateAuthorityCreatedV1, facts: CertificateAuthorityFacts, version: number): Promise<void> {
  await db
    .insertInto('certificate_authorities')
    .values({
      id: created.certificateAuthorityId,
      arn: created.arn,
      owner_account: created.ownerAccount,
      type: created.type,
      configuration: JSON.stringify(created.configuration),
      usage_mode: created.usageMode,
      key_storage_security_standard: created.keyStorageSecurityStandard,
      created_at: new Date(created.createdAt),
      ...facts,
      version,
    })
    .execute();
}

/**
 * Writes a CA's new state in the append's transaction. The row must still be at the version
 * the command was decided on; the event store's (stream, version) check already guarantees
 * that, so a miss here means the read model drifted and the append must roll back.
 */
export async function updateCertificateAuthority(db: CaDb, id: string, facts: CertificateAuthorityFacts, fromVersion: number, toVersion: number): Promise<void> {
  const result = await db.updateTable('certificate_authorities').set({ ...facts, version: toVersion }).where('id', '=', id).where('version', '=', fromVersion).executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new Error(`read model of CA ${id} is not at version ${fromVersion}`);
}

/** Permanent deletion: the CA disappears from Describe/List (policies and permissions cascade). */
export async function deleteCertificateAuthority(db: CaDb, id: string, fromVersion: number): Promise<void> {
  const result = await db.deleteFrom('certificate_authorities').where('id', '=', id).where('version', '=', fromVersion).executeTakeFirst();
  if (result.numDeletedRows !== 1n) throw new Error(`read model of CA ${id} is not at version ${fromVersion}`);
}

/**
 * A LIKE pattern matching the CA ARNs of one region (`arn:<partition>:acm-pca:<region>:...`):
 * the stored ARN is where a CA's region is kept. Region names are letters, digits and '-'
 * (PKI_REGIONS is validated), so they hold no LIKE wildcard.
 */
export const regionArnPattern = (region: string): string => `arn:%:acm-pca:${region}:%`;

/**
 * CAs an account holds in one region for the LimitExceededException quota (AWS counts per
 * account and Region; permanently deleted ones are no longer rows). Takes a transaction-scoped
 * advisory lock on the account first, so concurrent creations of one account count one after
 * the other.
 */
export async function lockAndCountCertificateAuthorities(db: CaDb, owner: string, region: string): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`ca-quota:${owner}`}, 0))`.execute(db);
  const row = await db
    .selectFrom('certificate_authorities')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('owner_account', '=', owner)
    .where('arn', 'like', regionArnPattern(region))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Claims up to `limit` CREATING CAs for key/CSR creation with a lease until `leaseUntil`; a
 * claim whose worker crashed is taken over once its lease passed (crash-safe, many replicas).
 * With `id`, claims only that CA (the fast path right after CreateCertificateAuthority).
 */
export async function claimCertificateAuthoritiesAwaitingCsr(db: CaDb, now: Date, leaseUntil: Date, limit: number, id?: string): Promise<Array<{ id: string }>> {
  return db
    .updateTable('certificate_authorities')
    .set({ work_lease_until: leaseUntil })
    .where('id', 'in', (eb) => {
      let candidates = eb
        .selectFrom('certificate_authorities')
        .select('id')
        .where('status', '=', 'CREATING')
        .where((w) => w.or([w('work_lease_until', 'is', null), w('work_lease_until', '<=', now)]));
      if (id !== undefined) candidates = candidates.where('id', '=', id);
      return candidates.orderBy('created_at').limit(limit).forUpdate().skipLocked();
    })
    .returning('id')
    .execute();
}

/** Releases a lease early, so a retry does not wait for it to run out (e.g. after a transient failure). */
export async function releaseLease(db: CaDb, id: string, retryAt: Date): Promise<void> {
  await db.updateTable('certificate_authorities').set({ work_lease_until: retryAt }).where('id', '=', id).execute();
}

/** DELETED CAs whose restoration window ended by `now`. */
export async function findCertificateAuthoritiesPastRestoreWindow(db: CaDb, now: Date, limit: number): Promise<Array<{ id: string }>> {
  return db.selectFrom('certificate_authorities').select('id').where('status', '=', 'DELETED').where('restorable_until', '<=', now).orderBy('restorable_until').limit(limit).execute();
}

/** ACTIVE or DISABLED CAs whose certificate's notAfter passed by `now`. */
export async function findExpiredCertificateAuthorities(db: CaDb, now: Date, limit: number): Promise<Array<{ id: string }>> {
  return db.selectFrom('certificate_authorities').select('id').where('status', 'in', ['ACTIVE', 'DISABLED']).where('not_after', '<=', now).orderBy('not_after').limit(limit).execute();
}

export async function findCertificateAuthorityById(db: CaDb, id: string): Promise<CertificateAuthorityRow | undefined> {
  return db.selectFrom('certificate_authorities').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface PageCursor {
  readonly createdAt: Date;
  readonly id: string;
}

/** One page of an owner's CAs of one region in creation order, after the cursor. */
export async function listCertificateAuthoritiesByOwner(db: CaDb, owner: string, region: string, limit: number, after: PageCursor | undefined): Promise<CertificateAuthorityRow[]> {
  let query = db.selectFrom('certificate_authorities').selectAll().where('owner_account', '=', owner).where('arn', 'like', regionArnPattern(region));
  if (after) {
    query = query.where(sql<boolean>`(created_at, id) > (${after.createdAt}, ${after.id}::uuid)`);
  }
  return query.orderBy('created_at').orderBy('id').limit(limit).execute();
}

/**
 * Claims an IdempotencyToken for a new CA inside the creating transaction. Returns false
 * when a claim younger than `windowSeconds` exists (the caller then answers that CA);
 * an older claim is taken over. Concurrent claims serialize on the primary key.
 */
export async function claimIdempotencyToken(db: CaDb, accountId: string, token: string, arn: string, now: Date, windowSeconds: number): Promise<boolean> {
  const result = await db
    .insertInto('idempotency_tokens')
    .values({ account_id: accountId, token, arn, created_at: now })
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'token'])
        .doUpdateSet({ arn, created_at: now })
        .where(sql<boolean>`idempotency_tokens.created_at <= ${now}::timestamptz - make_interval(secs => ${windowSeconds})`),
    )
    .returning('arn')
    .executeTakeFirst();
  return result !== undefined;
}

export async function findIdempotentCertificateAuthority(db: CaDb, accountId: string, token: string, now: Date, windowSeconds: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('idempotency_tokens')
    .select('arn')
    .where('account_id', '=', accountId)
    .where('token', '=', token)
    .where(sql<boolean>`created_at > ${now}::timestamptz - make_interval(secs => ${windowSeconds})`)
    .executeTakeFirst();
  return row?.arn;
}

type ExistingState = Exclude<CertificateAuthorityState, { status: 'Absent' | 'PERMANENTLY_DELETED' }>;

/** The read-model columns of a CA in `state` (a DELETED CA keeps what it had before deletion). */
export function certificateAuthorityFacts(state: ExistingState): CertificateAuthorityFacts {
  const shown = state.status === 'DELETED' ? state.before : state;
  const csr = 'csr' in shown ? shown.csr : undefined;
  const certificate = 'certificate' in shown ? shown.certificate : undefined;
  return {
    status: state.status,
    tags: JSON.stringify(state.tags),
    revocation_configuration: JSON.stringify(state.revocationConfiguration),
    last_state_change_at: new Date(state.lastStateChangeAt),
    serial: certificate?.serial ?? null,
    not_before: certificate ? new Date(certificate.notBefore) : null,
    not_after: certificate ? new Date(certificate.notAfter) : null,
    failure_reason: shown.status === 'FAILED' ? shown.failureReason : null,
    restorable_until: state.status === 'DELETED' ? new Date(state.restorableUntil) : null,
    csr: csr?.csr ?? null,
    certificate: certificate?.certificate ?? null,
    certificate_chain: certificate?.certificateChain ?? null,
  };
}
