import type { Kysely, Transaction } from 'kysely';
import type { CaKeyHashTable } from './tables/ca-key-hash.table';
import type { CrlNumberTable } from './tables/crl-number.table';
import type { CrlPartitionTable } from './tables/crl-partition.table';
import type { CrlStateTable } from './tables/crl-state.table';
import type { IssuedCertificateTable } from './tables/issued-certificate.table';
import type { OcspResponderTable } from './tables/ocsp-responder.table';
import type { RevocationCaTable } from './tables/revocation-ca.table';
import type { RevocationSequenceTable } from './tables/revocation-sequence.table';
import type { RevocationTable } from './tables/revocation.table';

export const REVOCATION_SCHEMA = 'revocation';

export interface RevocationDatabase {
  cas: RevocationCaTable;
  ca_key_hashes: CaKeyHashTable;
  issued_certificates: IssuedCertificateTable;
  revocations: RevocationTable;
  crl_numbers: CrlNumberTable;
  crl_states: CrlStateTable;
  crl_partitions: CrlPartitionTable;
  revocation_sequence: RevocationSequenceTable;
  ocsp_responders: OcspResponderTable;
}

export type RevocationDb = Kysely<RevocationDatabase> | Transaction<RevocationDatabase>;

export function revocationDb<T extends Kysely<any>>(db: T): T extends Transaction<any> ? Transaction<RevocationDatabase> : Kysely<RevocationDatabase> {
  return db.withSchema(REVOCATION_SCHEMA) as never;
}
