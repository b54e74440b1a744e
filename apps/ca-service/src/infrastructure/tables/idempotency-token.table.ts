import type { Insertable, Selectable } from 'kysely';

/** CreateCertificateAuthority IdempotencyToken per account (valid five minutes, as documented). */
export interface IdempotencyTokenTable {
  account_id: string;
  token: string;
  arn: string;
  created_at: Date;
}

export type IdempotencyTokenRow = Selectable<IdempotencyTokenTable>;
export type NewIdempotencyTokenRow = Insertable<IdempotencyTokenTable>;
