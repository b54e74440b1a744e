import type { Kysely, Transaction } from 'kysely';
import type { CaCertificateTable } from './tables/ca-certificate.table';
import type { CertificateTable } from './tables/certificate.table';
import type { PendingEffectTable } from './tables/pending-effect.table';
import type { RegistrationCodeTable } from './tables/registration-code.table';

/** iot-registry's own schema (DESIGN.md: one Postgres schema per service). */
export const IOT_SCHEMA = 'iot';

export interface IotDatabase {
  registration_codes: RegistrationCodeTable;
  ca_certificates: CaCertificateTable;
  certificates: CertificateTable;
  pending_effects: PendingEffectTable;
}

export type IotDb = Kysely<IotDatabase> | Transaction<IotDatabase>;

/** The service's tables live in its schema; queries use unqualified names through this. */
export function iotDb(db: Kysely<any> | Transaction<any>): IotDb {
  return db.withSchema(IOT_SCHEMA) as IotDb;
}
