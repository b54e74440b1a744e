import type { Insertable, Selectable } from 'kysely';

/** One row per revoked certificate, written with its CertificateRevoked event. */
export interface RevocationTable {
  ca_id: string;
  serial: string;
  certificate_arn: string;
  revoked_at: Date;
  reason: string;
  not_after: Date;
  event_id: string;
}

export type RevocationRow = Selectable<RevocationTable>;
export type NewRevocationRow = Insertable<RevocationTable>;
