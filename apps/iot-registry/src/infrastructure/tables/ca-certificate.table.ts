import type { Insertable, Selectable } from 'kysely';
import type { IotRegistrationConfigV1 } from '@pki/contracts';

/** iot.ca_certificates: the registered CA certificates, one row per aggregate (snapshot of its state). */
export interface CaCertificateTable {
  certificate_id: string;
  certificate_arn: string;
  owned_by: string;
  status: string;
  auto_registration_status: string;
  certificate_mode: string;
  certificate_pem: string;
  registration_config: IotRegistrationConfigV1 | null;
  template_name: string | null;
  creation_date: Date;
  last_modified_date: Date;
  customer_version: number;
  generation_id: string;
  not_before: Date;
  not_after: Date;
}

export type CaCertificateRow = Selectable<CaCertificateTable>;
export type NewCaCertificateRow = Insertable<CaCertificateTable>;
