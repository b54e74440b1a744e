import type { Insertable, Selectable } from 'kysely';

/** An IssueCertificate IdempotencyToken claim: (account, CA, token) -> the certificate it issued. */
export interface IdempotencyTokenTable {
  account_id: string;
  ca_id: string;
  token: string;
  certificate_arn: string;
  created_at: Date;
}

export type IdempotencyTokenRow = Selectable<IdempotencyTokenTable>;
export type NewIdempotencyTokenRow = Insertable<IdempotencyTokenTable>;
