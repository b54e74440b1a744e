import { CompiledOnce } from '@pki/eventstore';
import type { Kysely, Transaction } from 'kysely';
import { CA_SCHEMA, type CaDatabase } from '../infrastructure/database';
import type { CertificateSignatureDatabase, CertificateSignatureRow, NewCertificateSignatureRow } from './certificate-signature.table';

type SigningDatabase = CaDatabase & CertificateSignatureDatabase;

/** One schema-bound handle per pool (withSchema builds a new Kysely each call; SignData calls this per signature). */
const bound = new WeakMap<Kysely<any>, Kysely<SigningDatabase>>();

export function certificateSignatureDb(db: Kysely<any>): Kysely<SigningDatabase> {
  let handle = bound.get(db);
  if (!handle) {
    handle = db.withSchema(CA_SCHEMA) as Kysely<SigningDatabase>;
    bound.set(db, handle);
  }
  return handle;
}

/** What SignData checks about the CA before it signs. */
export interface SigningCaRow {
  readonly id: string;
  readonly status: string;
  readonly type: string;
  readonly owner_account: string;
}

export async function findCertificateSignature(db: Kysely<SigningDatabase>, certificateId: string): Promise<CertificateSignatureRow | undefined> {
  return db.selectFrom('certificate_signatures').selectAll().where('certificate_id', '=', certificateId).executeTakeFirst();
}

const signingCa = new CompiledOnce((db: Kysely<any>, certificateAuthorityId: string) =>
  (db as Kysely<SigningDatabase>).withSchema(CA_SCHEMA).selectFrom('certificate_authorities as ca').select(['ca.id', 'ca.status', 'ca.type', 'ca.owner_account']).where('ca.id', '=', certificateAuthorityId),
);
const signingCaWithSignature = new CompiledOnce((db: Kysely<any>, certificateAuthorityId: string, certificateId: string) =>
  (db as Kysely<SigningDatabase>)
    .withSchema(CA_SCHEMA)
    .selectFrom('certificate_authorities as ca')
    .leftJoin('certificate_signatures as s', (join) => join.on('s.certificate_id', '=', certificateId))
    .select(['ca.id', 'ca.status', 'ca.type', 'ca.owner_account'])
    .select(['s.certificate_id', 's.certificate_authority_id', 's.signing_algorithm', 's.tbs_sha256', 's.signature', 's.key_used_event_id', 's.signed_at'])
    .where('ca.id', '=', certificateAuthorityId),
);

/**
 * The CA a SignData names and, for a certificate's signature, the signature already recorded for
 * that certificate: one statement (a primary-key lookup each), as this runs once per certificate
 * (compiled once: CompiledOnce).
 */
export async function findSigningCa(
  db: Kysely<SigningDatabase>,
  certificateAuthorityId: string,
  certificateId: string | null,
): Promise<{ ca: SigningCaRow; recorded: CertificateSignatureRow | undefined } | undefined> {
  if (certificateId === null) {
    const row = (await signingCa.execute(db, certificateAuthorityId)).rows[0];
    return row && { ca: row, recorded: undefined };
  }
  const row = (await signingCaWithSignature.execute(db, certificateAuthorityId, certificateId)).rows[0];
  if (!row) return undefined;
  const { id, status, type, owner_account, certificate_id, certificate_authority_id, signing_algorithm, tbs_sha256, signature, key_used_event_id, signed_at } = row;
  const recorded =
    certificate_id === null
      ? undefined
      : { certificate_id, certificate_authority_id: certificate_authority_id!, signing_algorithm: signing_algorithm!, tbs_sha256: tbs_sha256!, signature: signature!, key_used_event_id: key_used_event_id!, signed_at: signed_at! };
  return { ca: { id, status, type, owner_account }, recorded };
}

/**
 * Inserts the signatures unless their certificate already has one (kept by another replica);
 * returns the ids whose row is the one stored. One statement for a whole journal batch.
 */
export async function insertCertificateSignatures(trx: Transaction<any>, rows: readonly NewCertificateSignatureRow[]): Promise<Set<string>> {
  const inserted = await (trx.withSchema(CA_SCHEMA) as Transaction<CertificateSignatureDatabase>)
    .insertInto('certificate_signatures')
    .values([...rows])
    .onConflict((oc) => oc.column('certificate_id').doNothing())
    .returning('certificate_id')
    .execute();
  return new Set(inserted.map((r) => r.certificate_id));
}
