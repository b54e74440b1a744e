import type { Kysely, Transaction } from 'kysely';
import type { IssuingCaTable } from './tables/issuing-ca.table';

export const ISSUANCE_SCHEMA = 'issuance';

export interface IssuanceDatabase {
  issuing_cas: IssuingCaTable;
}

export type IssuanceDb = Kysely<IssuanceDatabase> | Transaction<IssuanceDatabase>;

export function issuanceDb(db: Kysely<any>): Kysely<IssuanceDatabase> {
  return db.withSchema(ISSUANCE_SCHEMA) as Kysely<IssuanceDatabase>;
}
