import type { ColumnType, Insertable, Selectable } from 'kysely';

/**
 * Which other accounts a CA's policy lets do something (ca.ca_policy_grants), one row per
 * (CA, account): serves ListCertificateAuthorities(ResourceOwner OTHER_ACCOUNTS).
 */
export interface PolicyGrantTable {
  ca_id: string;
  account_id: string;
  /** The `acm-pca:*` actions the account is granted. */
  actions: ColumnType<string[], string, string>;
}

export type PolicyGrantRow = Selectable<PolicyGrantTable>;
export type NewPolicyGrantRow = Insertable<PolicyGrantTable>;
