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
  /** The imported CA certificate's serial (lowercase hex), NotBefore and NotAfter. */
  serial: string | null;
  not_before: Date | null;
  not_after: Date | null;
  /** AWS FailureReason of a FAILED CA (also kept while it is DELETED). */
  failure_reason: string | null;
  /** End of a DELETED CA's restoration window. */
  restorable_until: Date | null;
  /** PEM of the CA's CSR, certificate and chain (root last). */
  csr: string | null;
  certificate: string | null;
  certificate_chain: string | null;
  /** Until when a key/CSR worker holds this CREATING CA (crash-safe lease, see workers.ts). */
  work_lease_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Stream version this row reflects. */
  version: number;
}

export type CertificateAuthorityRow = Selectable<CertificateAuthorityTable>;
export type NewCertificateAuthorityRow = Insertable<CertificateAuthorityTable>;
export type CertificateAuthorityRowUpdate = Updateable<CertificateAuthorityTable>;
