import type { Insertable, Selectable } from 'kysely';
import type { TransferRecord } from '../../domain/certificate.state';

/** iot.certificates: the registered device certificates, one row per aggregate (snapshot of its state). */
export interface CertificateTable {
  certificate_id: string;
  certificate_arn: string;
  owned_by: string;
  previous_owned_by: string | null;
  ca_certificate_id: string | null;
  status: string;
  certificate_mode: string;
  certificate_pem: string;
  creation_date: Date;
  last_modified_date: Date;
  customer_version: number;
  generation_id: string;
  not_before: Date;
  not_after: Date;
  transfer: TransferRecord | null;
  /** The target account while a transfer is pending (it may describe the certificate). */
  transfer_target: string | null;
}

export type CertificateRow = Selectable<CertificateTable>;
export type NewCertificateRow = Insertable<CertificateTable>;
