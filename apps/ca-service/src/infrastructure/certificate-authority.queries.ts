import { sql } from 'kysely';
import type { CertificateAuthorityCreatedV1 } from '@pki/contracts';
import type { CaDb } from './database';
import type { CertificateAuthorityRow } from './tables/certificate-authority.table';

export async function insertCertificateAuthority(db: CaDb, created: CertificateAuthorityCreatedV1, status: string, version: number): Promise<void> {
  await db
    .insertInto('certificate_authorities')
    .values({
      id: created.certificateAuthorityId,
      arn: created.arn,
      owner_account: created.ownerAccount,
      type: created.type,
      status,
      configuration: JSON.stringify(created.configuration),
      revocation_configuration: JSON.stringify(created.revocationConfiguration),
      usage_mode: created.usageMode,
      key_storage_security_standard: created.keyStorageSecurityStandard,
      tags: JSON.stringify(created.tags),
      created_at: new Date(created.createdAt),
      last_state_change_at: new Date(created.createdAt),
      version,
    })
    .execute();
}

export async function findCertificateAuthorityById(db: CaDb, id: string): Promise<CertificateAuthorityRow | undefined> {
  return db.selectFrom('certificate_authorities').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface PageCursor {
  readonly createdAt: Date;
  readonly id: string;
}

/** One page of an owner's CAs in creation order, after the cursor. */
export async function listCertificateAuthoritiesByOwner(db: CaDb, owner: string, limit: number, after: PageCursor | undefined): Promise<CertificateAuthorityRow[]> {
  let query = db.selectFrom('certificate_authorities').selectAll().where('owner_account', '=', owner);
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
