import type { Kysely, Transaction } from 'kysely';
import type { CaPolicyTable } from './tables/ca-policy.table';
import type { CertificateTable } from './tables/certificate.table';
import type { CrlPartitionCursorTable } from './tables/crl-partition-cursor.table';
import type { IdempotencyTokenTable } from './tables/idempotency-token.table';
import type { IssuingCaTable } from './tables/issuing-ca.table';

export const ISSUANCE_SCHEMA = 'issuance';

export interface IssuanceDatabase {
  issuing_cas: IssuingCaTable;
  certificates: CertificateTable;
  idempotency_tokens: IdempotencyTokenTable;
  ca_policies: CaPolicyTable;
  crl_partition_cursors: CrlPartitionCursorTable;
}

export type IssuanceDb = Kysely<IssuanceDatabase> | Transaction<IssuanceDatabase>;

/** One schema-bound handle per pool or transaction: `withSchema` builds a new Kysely each call, which hot paths felt. */
const bound = new WeakMap<Kysely<any>, Kysely<IssuanceDatabase>>();

export function issuanceDb(db: Kysely<any>): Kysely<IssuanceDatabase> {
  let handle = bound.get(db);
  if (!handle) {
    handle = db.withSchema(ISSUANCE_SCHEMA) as Kysely<IssuanceDatabase>;
    bound.set(db, handle);
  }
  return handle;
}
