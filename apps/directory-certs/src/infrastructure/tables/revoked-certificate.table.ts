import type { Selectable } from 'kysely';

/** Revocations seen on revocation-service's feed (CertificateRevoked v1), by SHA-256 fingerprint. */
export interface RevokedCertificateTable {
  sha256_fingerprint: string;
  certificate_arn: string;
  revocation_reason: string;
  revoked_at: Date;
}

export type RevokedCertificateRow = Selectable<RevokedCertificateTable>;
