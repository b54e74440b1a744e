import type { Insertable, Selectable } from 'kysely';

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
}

export type IssuedCertificateRow = Selectable<IssuedCertificateTable>;
export type NewIssuedCertificateRow = Insertable<IssuedCertificateTable>;
