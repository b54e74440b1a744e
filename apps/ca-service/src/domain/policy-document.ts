/**
 * Resource-based policies of a private CA: parsing and validation live in libs/resource-policy
 * (shared with issuance-service, which enforces them); ca-service answers an invalid document
 * with InvalidPolicyException.
 */
import { DomainError } from '@pki/contracts';
import { InvalidPolicyError, parsePolicyDocument as parseDocument, type PolicyDocument, type PolicyTarget } from '@pki/resource-policy';

export {
  CROSS_ACCOUNT_TEMPLATE_ARNS,
  ISSUE_CERTIFICATE,
  MAX_POLICY_LENGTH,
  POLICY_ACTIONS,
  TEMPLATE_ARN_KEY,
  templateConditionMatches,
  wildcardMatches,
  type PolicyAction,
  type PolicyDocument,
  type PolicyStatement,
  type PolicyTarget,
  type TemplateCondition,
  type TemplateOperator,
} from '@pki/resource-policy';

/** Parses and validates a policy document for the CA `target`; throws InvalidPolicyException (DomainError Malformed). */
export function parsePolicyDocument(text: string, target: PolicyTarget): PolicyDocument {
  try {
    return parseDocument(text, target);
  } catch (error) {
    if (error instanceof InvalidPolicyError) throw new DomainError('Malformed', error.message, 'InvalidPolicyException');
    throw error;
  }
}
