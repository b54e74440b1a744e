/** IAM evaluation of a CA's resource policy: lives in libs/resource-policy (shared with issuance-service). */
export { deniedActions, evaluatePolicy, grantedActionsByAccount, policyGrants, type PolicyDecision, type PolicyRequest } from '@pki/resource-policy';
