/**
 * Events of a CA's resource policy (PutPolicy / DeletePolicy), kept in their own stream per CA
 * so policy changes never contend with the CA lifecycle stream. The payload contracts live in
 * libs/contracts (acm-pca.ts) because other services project them.
 */
import { POLICY_EVENT_TYPES, type PolicyDeletedV1, type PolicyPutV1 } from '@pki/contracts';

export { POLICY_EVENT_TYPES, type PolicyDeletedV1, type PolicyPutV1 };

export type PolicyPut = { readonly type: typeof POLICY_EVENT_TYPES.PolicyPut; readonly schemaVersion: 1; readonly data: PolicyPutV1 };
export type PolicyDeleted = { readonly type: typeof POLICY_EVENT_TYPES.PolicyDeleted; readonly schemaVersion: 1; readonly data: PolicyDeletedV1 };
export type PolicyEvent = PolicyPut | PolicyDeleted;

/** Stream of one CA's resource-policy events. */
export const policyStream = (certificateAuthorityId: string): string => `ca-policy-${certificateAuthorityId}`;
