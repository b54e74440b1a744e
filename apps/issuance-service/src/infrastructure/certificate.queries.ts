import { sql } from 'kysely';
import type { IssuanceDb } from './database';
import type { CertificateRow, CertificateUpdate, NewCertificateRow } from './tables/certificate.table';

export const SERIAL_CONSTRAINT = 'certificates_ca_serial_key';

/** True for the unique violation of (ca_id, serial): the serial is taken on that CA. */
export function isSerialCollision(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string } | null;
  return !!e && e.code === '23505' && e.constraint === SERIAL_CONSTRAINT;
}

export async function insertCertificate(db: IssuanceDb, row: NewCertificateRow): Promise<void> {
  await db.insertInto('certificates').values(row).execute();
}

export async function updateCertificate(db: IssuanceDb, id: string, version: number, changes: CertificateUpdate): Promise<void> {
  await db.updateTable('certificates').set({ ...changes, version }).where('id', '=', id).execute();
}

export async function findCertificate(db: IssuanceDb, caId: string, serial: string): Promise<CertificateRow | undefined> {
  return db.selectFrom('certificates').selectAll().where('ca_id', '=', caId).where('serial', '=', serial).executeTakeFirst();
}

/** Requests whose outcome was never recorded (a crash between intent and signature), oldest first. */
export async function findStaleRequests(db: IssuanceDb, olderThan: Date, limit: number): Promise<CertificateRow[]> {
  return db.selectFrom('certificates').selectAll().where('status', '=', 'REQUESTED').where('requested_at', '<', olderThan).orderBy('requested_at').limit(limit).execute();
}

/**
 * Claims an IdempotencyToken inside the requesting transaction. A live claim (younger than the
 * window) by a concurrent or earlier request makes this return false; an expired one is taken
 * over. Concurrent claimers of one token serialize on the primary key, so exactly one wins.
 */
export async function claimIdempotencyToken(
  db: IssuanceDb,
  claim: { accountId: string; caId: string; token: string; certificateArn: string; now: Date },
  windowSeconds: number,
): Promise<boolean> {
  const result = await db
    .insertInto('idempotency_tokens')
    .values({ account_id: claim.accountId, ca_id: claim.caId, token: claim.token, certificate_arn: claim.certificateArn, created_at: claim.now })
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'ca_id', 'token'])
        .doUpdateSet({ certificate_arn: claim.certificateArn, created_at: claim.now })
        .where(sql<boolean>`idempotency_tokens.created_at <= ${claim.now}::timestamptz - make_interval(secs => ${windowSeconds})`),
    )
    .returning('certificate_arn')
    .executeTakeFirst();
  return result !== undefined;
}

export async function findIdempotentCertificate(db: IssuanceDb, accountId: string, caId: string, token: string, now: Date, windowSeconds: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('idempotency_tokens')
    .select('certificate_arn')
    .where('account_id', '=', accountId)
    .where('ca_id', '=', caId)
    .where('token', '=', token)
    .where(sql<boolean>`created_at > ${now}::timestamptz - make_interval(secs => ${windowSeconds})`)
    .executeTakeFirst();
  return row?.certificate_arn;
}

/** A failed request gives its token back, so retrying with the same token can succeed. */
export async function releaseIdempotencyToken(db: IssuanceDb, claim: { accountId: string; caId: string; token: string; certificateArn: string }): Promise<void> {
  await db
    .deleteFrom('idempotency_tokens')
    .where('account_id', '=', claim.accountId)
    .where('ca_id', '=', claim.caId)
    .where('token', '=', claim.token)
    .where('certificate_arn', '=', claim.certificateArn)
    .execute();
}
