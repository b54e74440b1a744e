import type { Insertable, Selectable } from 'kysely';

/** Read model of each CA's resource policy (ca.ca_policies), updated in the append's transaction. */
export interface PolicyTable {
  ca_id: string;
  ca_arn: string;
  owner_account: string;
  /** The document exactly as PutPolicy accepted it (GetPolicy returns it unchanged). */
  policy: string;
  updated_at: Date;
  /** Version of the policy stream this row reflects. */
  version: number;
}

export type PolicyRow = Selectable<PolicyTable>;
export type NewPolicyRow = Insertable<PolicyTable>;
