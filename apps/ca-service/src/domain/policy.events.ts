/**
 * Events of a CA's resource policy (PutPolicy / DeletePolicy), kept in their own stream per CA
 * so policy changes never contend with the CA lifecycle stream. Versioned contracts: a breaking
 * change is a new schemaVersion. The document is the caller's text exactly as accepted, so
 * GetPolicy returns it byte for byte and a projection never needs to call back.
 */
export const POLICY_EVENT_TYPES = {
  PolicyPut: 'PolicyPut',
  PolicyDeleted: 'PolicyDeleted',
} as const;

export interface PolicyPutV1 {
  readonly certificateAuthorityId: string;
  readonly certificateAuthorityArn: string;
  readonly ownerAccount: string;
  /** The JSON policy document as the caller sent it. */
  readonly policy: string;
  readonly putAt: string;
}

export interface PolicyDeletedV1 {
  readonly certificateAuthorityId: string;
  readonly certificateAuthorityArn: string;
  readonly ownerAccount: string;
  readonly deletedAt: string;
}

export type PolicyPut = { readonly type: typeof POLICY_EVENT_TYPES.PolicyPut; readonly schemaVersion: 1; readonly data: PolicyPutV1 };
export type PolicyDeleted = { readonly type: typeof POLICY_EVENT_TYPES.PolicyDeleted; readonly schemaVersion: 1; readonly data: PolicyDeletedV1 };
export type PolicyEvent = PolicyPut | PolicyDeleted;

/** Stream of one CA's resource-policy events. */
export const policyStream = (certificateAuthorityId: string): string => `ca-policy-${certificateAuthorityId}`;
