import type { ColumnType, Insertable, Selectable } from 'kysely';

/** One row per revoked certificate, written with its CertificateRevoked event. */
export interface RevocationTable {
  ca_id: string;
  serial: string;
  certificate_arn: string;
  revoked_at: Date;
  reason: string;
  not_after: Date;
  event_id: string;
  /** The certificate's CRL partition; null: the CA's complete CRL. */
  crl_partition: ColumnType<string | null, string | null | undefined, never>;
  /** The revocation sequence (revocation_sequence) its transaction took; null for revocations before it existed. Bigint, read as a string. */
  sequence: ColumnType<string | null, string | number | null | undefined, never>;
}

export type RevocationRow = Selectable<RevocationTable>;
export type NewRevocationRow = Insertable<RevocationTable>;
