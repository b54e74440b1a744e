import type { Insertable, Selectable } from 'kysely';

/** iot.policies: one row per policy (snapshot of the policy aggregate's state). */
export interface PolicyTable {
  account_id: string;
  policy_name: string;
  /** The region of its ARN (names are unique per account and region). */
  region: string;
  policy_arn: string;
  policy_document: string;
  default_version_id: string;
  generation_id: string;
  creation_date: Date;
  last_modified_date: Date;
}

export type PolicyRow = Selectable<PolicyTable>;
export type NewPolicyRow = Insertable<PolicyTable>;
