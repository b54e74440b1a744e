import type { Kysely, Transaction } from 'kysely';
import type { CaPolicyTable } from './tables/ca-policy.table';
import type { CertificateTable } from './tables/certificate.table';
import type { IdempotencyTokenTable } from './tables/idempotency-token.table';
import type { IssuingCaTable } from './tables/issuing-ca.table';

export const ISSUANCE_SCHEMA = 'issuance';

export interface IssuanceDatabase {
  issuing_cas: IssuingCaTable;
  certificates: CertificateTable;
  idempotency_tokens: IdempotencyTokenTable;
  ca_policies: CaPolicyTable;
}

export type IssuanceDb = Kysely<IssuanceDatabase> | Transaction<IssuanceDatabase>;

export function issuanceDb(db: Kysely<any>): Kysely<IssuanceDatabase> {
  return db.withSchema(ISSUANCE_SCHEMA) as Kysely<IssuanceDatabase>;
}
