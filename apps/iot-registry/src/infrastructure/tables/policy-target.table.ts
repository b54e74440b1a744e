import type { Insertable, Selectable } from 'kysely';

/** iot.policy_targets: the certificates each policy is attached to (ListTargetsForPolicy, ListAttachedPolicies). */
export interface PolicyTargetTable {
  account_id: string;
  policy_name: string;
  /** The region of its ARN (names are unique per account and region). */
  region: string;
  certificate_id: string;
  target: string;
}

export type PolicyTargetRow = Selectable<PolicyTargetTable>;
export type NewPolicyTargetRow = Insertable<PolicyTargetTable>;
