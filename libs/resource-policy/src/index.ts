/**
 * Resource-based policies of a private CA (PutPolicy): pure parsing and IAM evaluation, shared
 * by ca-service (which accepts and stores them) and the services that enforce them
 * (issuance-service for IssueCertificate / GetCertificate).
 */
export { InvalidPolicyError } from './errors';
export {
  CROSS_ACCOUNT_TEMPLATE_ARNS,
  ISSUE_CERTIFICATE,
  MAX_POLICY_LENGTH,
  POLICY_ACTIONS,
  TEMPLATE_ARN_KEY,
  parsePolicyDocument,
  templateConditionMatches,
  wildcardMatches,
  type PolicyAction,
  type PolicyDocument,
  type PolicyStatement,
  type PolicyTarget,
  type TemplateCondition,
  type TemplateOperator,
} from './policy-document';
export { deniedActions, evaluatePolicy, grantedActionsByAccount, policyGrants, type PolicyDecision, type PolicyRequest } from './policy-evaluation';
