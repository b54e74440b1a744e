import type { Selectable } from 'kysely';

/** OCSP CertID lookup: hash of the CA key (and name) under each CertID hash algorithm. */
export interface CaKeyHashTable {
  hash: string;
  key_hash: Buffer;
  ca_id: string;
  name_hash: Buffer;
}

export type CaKeyHashRow = Selectable<CaKeyHashTable>;
