import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/** One row per requested certificate, written in the same transaction as its events. */
export interface CertificateTable {
  id: string;
  ca_id: string;
  /** Lowercase hex without leading zeros (the ARN form). */
  serial: string;
  arn: string;
  account_id: string;
  status: 'REQUESTED' | 'ISSUED' | 'FAILED';
  certificate_der: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** The issuing CA's certificate and chain at issuance, PEM (GetCertificate CertificateChain); null when self-signed. */
  certificate_chain_pem: string | null;
  failure_reason: ColumnType<string | null, string | null | undefined, string | null>;
  requested_at: Date;
  /** The certificate stream's version this row reflects. */
  version: number;
}

export type CertificateRow = Selectable<CertificateTable>;
export type NewCertificateRow = Insertable<CertificateTable>;
export type CertificateUpdate = Updateable<CertificateTable>;
