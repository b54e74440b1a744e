import type { Kysely, Transaction } from 'kysely';
import type { CaCertificateTable } from './tables/ca-certificate.table';
import type { CertificateTable } from './tables/certificate.table';
import type { PendingEffectTable } from './tables/pending-effect.table';
import type { PolicyTargetTable } from './tables/policy-target.table';
import type { PolicyTable } from './tables/policy.table';
import type { RegistrationCodeTable } from './tables/registration-code.table';
import type { ThingPrincipalTable } from './tables/thing-principal.table';
import type { ThingTypeTable } from './tables/thing-type.table';
import type { ThingTable } from './tables/thing.table';

/** iot-registry's own schema (DESIGN.md: one Postgres schema per service). */
export const IOT_SCHEMA = 'iot';

export interface IotDatabase {
  registration_codes: RegistrationCodeTable;
  ca_certificates: CaCertificateTable;
  certificates: CertificateTable;
  pending_effects: PendingEffectTable;
  things: ThingTable;
  thing_principals: ThingPrincipalTable;
  policies: PolicyTable;
  policy_targets: PolicyTargetTable;
  thing_types: ThingTypeTable;
}

export type IotDb = Kysely<IotDatabase> | Transaction<IotDatabase>;

/** The service's tables live in its schema; queries use unqualified names through this. */
export function iotDb(db: Kysely<any> | Transaction<any>): IotDb {
  return db.withSchema(IOT_SCHEMA) as IotDb;
}
