import type { ColumnType, Insertable, Selectable } from 'kysely';

/** Certificates issuance-service issued (CertificateIssued), keyed by CA and canonical serial. */
export interface IssuedCertificateTable {
  ca_id: string;
  serial: string;
  certificate_arn: string;
  issuer_dn: string;
  sha256_fingerprint: string;
  not_after: Date;
  certificate_der: Buffer;
  account_id: string;
  event_id: string;
  /** The CRL partition it is bound to (CertificateIssuedV1.crlPartition.id); null: the CA's complete CRL. */
  crl_partition: ColumnType<string | null, string | null | undefined, string | null>;
}

export type IssuedCertificateRow = Selectable<IssuedCertificateTable>;
export type NewIssuedCertificateRow = Insertable<IssuedCertificateTable>;
