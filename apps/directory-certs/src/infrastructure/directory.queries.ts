import type { ExpressionBuilder, Transaction } from 'kysely';
import { toDirectoryDescription } from '../domain/directory.view';
import type { PresentDirectory, RegisteredCertificate } from '../domain/directory.state';
import { directoryDb, type DirDb } from './database';
import type { DirectoryRow } from './tables/directory.table';

/** The region of a query: directories created before regions (region null) are the default region's. */
export interface RegionScope {
  readonly region: string;
  readonly defaultRegion: string;
}

const inRegion = (eb: ExpressionBuilder<any, 'directories'>, scope: RegionScope) =>
  scope.region === scope.defaultRegion ? eb.or([eb('region', '=', scope.region), eb('region', 'is', null)]) : eb('region', '=', scope.region);

export interface PageCursor {
  readonly at: Date;
  readonly id: string;
}

/** The directory's row as of `version` (called in the append's transaction). */
export async function upsertDirectory(db: DirDb, state: PresentDirectory, version: number): Promise<void> {
  const row = {
    id: state.facts.directoryId,
    account_id: state.facts.accountId,
    directory_type: state.facts.directoryType,
    stage: state.stage,
    stage_last_updated: state.stageLastUpdated,
    launch_time: state.facts.launchTime,
    region: state.facts.region,
    description: JSON.stringify(toDirectoryDescription(state)),
    version,
  };
  await db
    .insertInto('directories')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet({ stage: row.stage, stage_last_updated: row.stage_last_updated, description: row.description, version: row.version }))
    .execute();
}

/** The account's directories of a type in one region that still count against its limit. */
export async function countDirectories(db: DirDb, accountId: string, directoryType: string, scope: RegionScope): Promise<number> {
  const row = await db
    .selectFrom('directories')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('account_id', '=', accountId)
    .where('directory_type', '=', directoryType)
    .where('stage', '!=', 'Deleted')
    .where((eb) => inRegion(eb, scope))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** DescribeDirectories: the account's directories of one region (optionally only `ids`) in launch order, after `after`. */
export async function listDirectories(db: DirDb, accountId: string, scope: RegionScope, ids: readonly string[] | undefined, limit: number, after?: PageCursor): Promise<DirectoryRow[]> {
  let query = db.selectFrom('directories').selectAll().where('account_id', '=', accountId).where('stage', '!=', 'Deleted').where((eb) => inRegion(eb, scope));
  if (ids) query = query.where('id', 'in', [...ids]);
  if (after) query = query.where((eb) => eb.or([eb('launch_time', '>', after.at), eb.and([eb('launch_time', '=', after.at), eb('id', '>', after.id)])]));
  return query.orderBy('launch_time').orderBy('id').limit(limit).execute();
}

/** Which of `ids` the account has in the region (not Deleted). */
export async function existingDirectoryIds(db: DirDb, accountId: string, scope: RegionScope, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('directories')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', 'in', [...ids])
    .where('stage', '!=', 'Deleted')
    .where((eb) => inRegion(eb, scope))
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Directories whose provisioning or deletion step is due (stage entered at or before `enteredBefore`). */
export async function findDirectoriesDue(db: DirDb, enteredBefore: Date, limit: number): Promise<Array<{ id: string; stage: string }>> {
  return db
    .selectFrom('directories')
    .select(['id', 'stage'])
    .where('stage', 'in', ['Requested', 'Creating', 'Deleting'])
    .where('stage_last_updated', '<=', enteredBefore)
    .orderBy('stage_last_updated')
    .limit(limit)
    .execute();
}

/**
 * A certificate's row as the aggregate has it. The revoked_* columns belong to the revocation
 * projection and are never overwritten here; a certificate registered after its revocation was
 * seen picks the mark up from revoked_certificates.
 */
export async function upsertCertificate(db: DirDb, directoryId: string, accountId: string, certificate: RegisteredCertificate): Promise<void> {
  const row = {
    id: certificate.certificateId,
    directory_id: directoryId,
    account_id: accountId,
    type: certificate.type,
    state: certificate.state,
    state_reason: certificate.stateReason,
    common_name: certificate.commonName,
    sha256_fingerprint: certificate.sha256Fingerprint,
    certificate_pem: certificate.certificatePem,
    registered_at: certificate.registeredAt,
    expiry_at: certificate.notAfter,
    ocsp_url: certificate.ocspUrl,
    state_changed_at: certificate.stateChangedAt,
  };
  await db
    .insertInto('directory_certificates')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet({ state: row.state, state_reason: row.state_reason, state_changed_at: row.state_changed_at }))
    .execute();
  const revocation = await findRevocation(db, certificate.sha256Fingerprint);
  if (revocation) {
    await db
      .updateTable('directory_certificates')
      .set({ revoked_at: revocation.revoked_at, revocation_reason: revocation.revocation_reason, revoked_certificate_arn: revocation.certificate_arn })
      .where('id', '=', certificate.certificateId)
      .where('revoked_at', 'is', null)
      .execute();
  }
}

export async function findRevocation(db: DirDb, sha256Fingerprint: string) {
  return db.selectFrom('revoked_certificates').selectAll().where('sha256_fingerprint', '=', sha256Fingerprint).executeTakeFirst();
}

export async function findCertificate(db: DirDb, directoryId: string, certificateId: string) {
  return db.selectFrom('directory_certificates').selectAll().where('directory_id', '=', directoryId).where('id', '=', certificateId).executeTakeFirst();
}

/** ListCertificates: the directory's certificates (not Deregistered) in registration order, after `after`. */
export async function listCertificates(db: DirDb, directoryId: string, limit: number, after?: PageCursor) {
  let query = db.selectFrom('directory_certificates').selectAll().where('directory_id', '=', directoryId).where('state', '!=', 'Deregistered');
  if (after) query = query.where((eb) => eb.or([eb('registered_at', '>', after.at), eb.and([eb('registered_at', '=', after.at), eb('id', '>', after.id)])]));
  return query.orderBy('registered_at').orderBy('id').limit(limit).execute();
}

/** Certificates whose registration or deregistration step is due. */
export async function findCertificatesDue(db: DirDb, enteredBefore: Date, limit: number): Promise<Array<{ id: string; directory_id: string; state: string }>> {
  return db
    .selectFrom('directory_certificates')
    .select(['id', 'directory_id', 'state'])
    .where('state', 'in', ['Registering', 'Deregistering'])
    .where('state_changed_at', '<=', enteredBefore)
    .orderBy('state_changed_at')
    .limit(limit)
    .execute();
}

/**
 * The revocation projection's write: remember the revocation (first one wins) and mark every
 * registered copy of the certificate that is not marked yet. Both are no-ops on replay.
 */
export async function recordRevocation(
  trx: Transaction<any>,
  revocation: { sha256Fingerprint: string; certificateArn: string; revocationReason: string; revokedAt: Date },
): Promise<void> {
  const db = directoryDb(trx);
  await db
    .insertInto('revoked_certificates')
    .values({ sha256_fingerprint: revocation.sha256Fingerprint, certificate_arn: revocation.certificateArn, revocation_reason: revocation.revocationReason, revoked_at: revocation.revokedAt })
    .onConflict((oc) => oc.column('sha256_fingerprint').doNothing())
    .execute();
  const stored = await findRevocation(db, revocation.sha256Fingerprint);
  if (!stored) return;
  await db
    .updateTable('directory_certificates')
    .set({ revoked_at: stored.revoked_at, revocation_reason: stored.revocation_reason, revoked_certificate_arn: stored.certificate_arn })
    .where('sha256_fingerprint', '=', revocation.sha256Fingerprint)
    .where('revoked_at', 'is', null)
    .execute();
}

