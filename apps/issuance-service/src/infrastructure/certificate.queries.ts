import { CompiledOnce } from '@pki/eventstore';
import { sql, type Kysely, type Transaction } from 'kysely';
import { issuanceDb, ISSUANCE_SCHEMA, type IssuanceDatabase, type IssuanceDb } from './database';
import type { BatchWriter } from './group-commit';
import type { CertificateRow, NewCertificateRow } from './tables/certificate.table';

export const SERIAL_CONSTRAINT = 'certificates_ca_serial_key';

/** True for the unique violation of (ca_id, serial): the serial is taken on that CA. */
export function isSerialCollision(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string } | null;
  return !!e && e.code === '23505' && e.constraint === SERIAL_CONSTRAINT;
}

/**
 * What a certificate append writes to the read model, in the append's transaction. GroupCommit
 * hands the items of a whole batch to `writeCertificates` at once: one multi-row insert for the
 * requests and one update for the outcomes, whatever the batch size.
 */
export type CertificateWrite =
  | { readonly kind: 'requested'; readonly row: Omit<NewCertificateRow, 'version'> }
  | { readonly kind: 'issued'; readonly id: string; readonly certificateDer: Buffer }
  | {
      readonly kind: 'failed';
      readonly id: string;
      readonly reason: string;
      /** The IdempotencyToken claim to give back, if the request had one. */
      readonly release: { accountId: string; caId: string; token: string; certificateArn: string } | null;
    };

export const writeCertificates: BatchWriter<CertificateWrite> = async (trx, items) => {
  const db = issuanceDb(trx);
  const version = (stored: ReadonlyArray<{ version: number }>) => stored[stored.length - 1]!.version;
  const requested = items.flatMap(({ item, stored }) => (item.kind === 'requested' ? [{ ...item.row, version: version(stored) }] : []));
  if (requested.length) await db.insertInto('certificates').values(requested).execute();
  const outcomes = items.flatMap(({ item, stored }) => (item.kind === 'requested' ? [] : [{ item, version: version(stored) }]));
  if (outcomes.length) {
    await recordOutcomes(
      trx,
      outcomes.map(({ item, version: v }) =>
        item.kind === 'issued' ? { id: item.id, version: v, status: 'ISSUED', certificateDer: item.certificateDer, failureReason: null } : { id: item.id, version: v, status: 'FAILED', certificateDer: null, failureReason: item.reason },
      ),
    );
  }
  for (const { item } of items) if (item.kind === 'failed' && item.release) await releaseIdempotencyToken(db, item.release);
};

/** Sets the outcome (status, certificate or failure reason, stream version) of several certificates in one statement. */
async function recordOutcomes(
  trx: Transaction<any>,
  outcomes: ReadonlyArray<{ id: string; version: number; status: 'ISSUED' | 'FAILED'; certificateDer: Buffer | null; failureReason: string | null }>,
): Promise<void> {
  await sql`
    update ${sql.table(`${ISSUANCE_SCHEMA}.certificates`)} c
    set status = v.status, certificate_der = v.der, failure_reason = v.reason, version = v.version
    from unnest(${outcomes.map((o) => o.id)}::uuid[], ${outcomes.map((o) => o.status)}::text[], ${outcomes.map((o) => o.certificateDer)}::bytea[],
                ${outcomes.map((o) => o.failureReason)}::text[], ${outcomes.map((o) => o.version)}::integer[]) as v(id, status, der, reason, version)
    where c.id = v.id`.execute(trx);
}

/** GetCertificate's lookup, once per request: compiled once (CompiledOnce). */
const certificateBySerial = new CompiledOnce((db: Kysely<any>, caId: string, serial: string) =>
  (db as Kysely<IssuanceDatabase>).withSchema(ISSUANCE_SCHEMA).selectFrom('certificates').selectAll().where('ca_id', '=', caId).where('serial', '=', serial),
);

export async function findCertificate(db: IssuanceDb, caId: string, serial: string): Promise<CertificateRow | undefined> {
  return (await certificateBySerial.execute(db, caId, serial)).rows[0];
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
