import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/** Read model of CAs (ca.certificate_authorities), updated in the append's transaction. */
export interface CertificateAuthorityTable {
  id: string;
  arn: string;
  owner_account: string;
  type: string;
  status: string;
  configuration: ColumnType<Record<string, unknown>, string, string>;
  revocation_configuration: ColumnType<Record<string, unknown>, string, string>;
  usage_mode: string;
  key_storage_security_standard: string;
  tags: ColumnType<Array<{ Key: string; Value: string | null }>, string, string>;
  created_at: Date;
  last_state_change_at: Date;
  /** Stream version this row reflects. */
  version: number;
}

export type CertificateAuthorityRow = Selectable<CertificateAuthorityTable>;
export type NewCertificateAuthorityRow = Insertable<CertificateAuthorityTable>;
export type CertificateAuthorityRowUpdate = Updateable<CertificateAuthorityTable>;
