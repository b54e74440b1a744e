import type { CertIdHash } from '@pki/pki';
import type { RevocationDb } from './database';
import type { NewRevocationCaRow, RevocationCaRow, RevocationCaUpdate } from './tables/revocation-ca.table';

/** Idempotent: a replayed creation event leaves the row as it is. */
export async function insertCa(db: RevocationDb, row: NewRevocationCaRow): Promise<void> {
  await db.insertInto('cas').values(row).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/** Applies a later CA event only when `version` is newer than the row's (replays change nothing). Returns whether it applied. */
export async function updateCa(db: RevocationDb, id: string, version: number, changes: RevocationCaUpdate, bumpConfig: boolean): Promise<boolean> {
  const result = await db
    .updateTable('cas')
    .set((eb) => ({ ...changes, version, ...(bumpConfig ? { config_seq: eb('config_seq', '+', 1) } : {}) }))
    .where('id', '=', id)
    .where('version', '<', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The stream version the CA's row reflects (locked until the transaction ends), or undefined without a row. */
export async function lockedCaVersion(db: RevocationDb, id: string): Promise<number | undefined> {
  const row = await db.selectFrom('cas').select('version').where('id', '=', id).forUpdate().executeTakeFirst();
  return row === undefined ? undefined : Number(row.version);
}

export async function replaceKeyHashes(db: RevocationDb, caId: string, hashes: ReadonlyArray<{ hash: CertIdHash; keyHash: Buffer; nameHash: Buffer }>): Promise<void> {
  await db.deleteFrom('ca_key_hashes').where('ca_id', '=', caId).execute();
  if (hashes.length) {
    await db
      .insertInto('ca_key_hashes')
      .values(hashes.map((h) => ({ hash: h.hash, key_hash: h.keyHash, name_hash: h.nameHash, ca_id: caId })))
      .execute();
  }
}

export async function findCaByArn(db: RevocationDb, arn: string): Promise<RevocationCaRow | undefined> {
  return db.selectFrom('cas').selectAll().where('arn', '=', arn).executeTakeFirst();
}

export async function findCaById(db: RevocationDb, id: string): Promise<RevocationCaRow | undefined> {
  return db.selectFrom('cas').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The CA an OCSP CertID names: issuerKeyHash and issuerNameHash under the CertID's hash. */
export async function findCaByCertId(db: RevocationDb, hash: CertIdHash, keyHash: Buffer, nameHash: Buffer): Promise<RevocationCaRow | undefined> {
  return db
    .selectFrom('ca_key_hashes as h')
    .innerJoin('cas', 'cas.id', 'h.ca_id')
    .selectAll('cas')
    .where('h.hash', '=', hash)
    .where('h.key_hash', '=', keyHash)
    .where('h.name_hash', '=', nameHash)
    .where('cas.status', '!=', 'PERMANENTLY_DELETED')
    .executeTakeFirst();
}
