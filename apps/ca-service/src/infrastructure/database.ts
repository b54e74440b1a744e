import type { Kysely, Transaction } from 'kysely';
import type { CertificateAuthorityTable } from './tables/certificate-authority.table';
import type { IdempotencyTokenTable } from './tables/idempotency-token.table';

/** ca-service's own schema (DESIGN.md: one Postgres schema per service). */
export const CA_SCHEMA = 'ca';

export interface CaDatabase {
  certificate_authorities: CertificateAuthorityTable;
  idempotency_tokens: IdempotencyTokenTable;
}

export type CaDb = Kysely<CaDatabase> | Transaction<CaDatabase>;

/** The service's tables live in its schema; queries use unqualified names through this. */
export function caDb(db: Kysely<any>): Kysely<CaDatabase> {
  return db.withSchema(CA_SCHEMA) as Kysely<CaDatabase>;
}
