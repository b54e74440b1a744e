import type { Insertable, Selectable } from 'kysely';

/** iot.policy_targets: the certificates each policy is attached to (ListTargetsForPolicy, ListAttachedPolicies). */
export interface PolicyTargetTable {
  account_id: string;
  policy_name: string;
  certificate_id: string;
  target: string;
}

export type PolicyTargetRow = Selectable<PolicyTargetTable>;
export type NewPolicyTargetRow = Insertable<PolicyTargetTable>;
