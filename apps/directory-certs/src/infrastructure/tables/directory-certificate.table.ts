import type { Insertable, Selectable } from 'kysely';

/**
 * One row per registered certificate: ListCertificates, DescribeCertificate, the registration
 * worker and the revocation projection (which alone writes the revoked_* columns).
 */
export interface DirectoryCertificateTable {
  id: string;
  directory_id: string;
  account_id: string;
  type: string;
  state: string;
  state_reason: string | null;
  common_name: string;
  sha256_fingerprint: string;
  certificate_pem: string;
  registered_at: Date;
  expiry_at: Date;
  ocsp_url: string | null;
  state_changed_at: Date;
  revoked_at: Date | null;
  revocation_reason: string | null;
  revoked_certificate_arn: string | null;
}

export type DirectoryCertificateRow = Selectable<DirectoryCertificateTable>;
export type NewDirectoryCertificateRow = Insertable<DirectoryCertificateTable>;
