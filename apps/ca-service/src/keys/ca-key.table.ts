import type { ColumnType, Insertable, Selectable } from 'kysely';

/** ca.ca_keys: one key pair per CA (migration 20261122T080000Z-create-ca-keys). */
export interface CaKeyTable {
  ca_id: string;
  backend: 'software' | 'pkcs11';
  key_algorithm: string;
  public_key_spki: Buffer;
  kek_id: string | null;
  wrapped_dek: Buffer | null;
  dek_iv: Buffer | null;
  dek_tag: Buffer | null;
  ciphertext: Buffer | null;
  iv: Buffer | null;
  tag: Buffer | null;
  pkcs11_key_id: Buffer | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type CaKeyRow = Selectable<CaKeyTable>;
export type NewCaKeyRow = Insertable<CaKeyTable>;

export interface CaKeyDatabase {
  ca_keys: CaKeyTable;
}
