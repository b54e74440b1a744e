import type { Kysely } from 'kysely';
import { parsePolicyDocument } from '../domain/policy-document';
import { policyGrants } from '../domain/policy-evaluation';
import { findPolicyByCaArn, policyDb } from '../infrastructure/policy.queries';

/** Request context some actions carry (IssueCertificate: the `TemplateArn` asked for). */
export interface PolicyRequestContext {
  readonly templateArn?: string;
}

/**
 * Whether the resource policy (PutPolicy) on the CA grants `accountId` the `action`
 * (e.g. `acm-pca:DescribeCertificateAuthority`): an Allow applies and no Deny does.
 * Without a policy nothing is granted. The stored document was validated when it was put;
 * should it no longer parse under today's rules, nothing is granted (fail closed).
 */
export async function policyAllows(db: Kysely<any>, caArn: string, accountId: string, action: string, context: PolicyRequestContext = {}): Promise<boolean> {
  const row = await findPolicyByCaArn(policyDb(db), caArn);
  if (!row) return false;
  let document;
  try {
    document = parsePolicyDocument(row.policy, { caArn: row.ca_arn });
  } catch {
    return false;
  }
  return policyGrants(document, { accountId, action, ...(context.templateArn !== undefined ? { templateArn: context.templateArn } : {}) });
}
