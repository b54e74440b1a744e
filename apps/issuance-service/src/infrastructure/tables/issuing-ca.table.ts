import type { Insertable, Selectable } from 'kysely';

/** issuance-service's view of the CAs it may issue from, projected from ca-service's events. */
export interface IssuingCaTable {
  id: string;
  arn: string;
  owner_account: string;
  type: string;
  status: string;
  key_algorithm: string;
  signing_algorithm: string;
  usage_mode: string;
  /** ca-service stream version this row reflects. */
  version: number;
}

export type IssuingCaRow = Selectable<IssuingCaTable>;
export type NewIssuingCaRow = Insertable<IssuingCaTable>;
