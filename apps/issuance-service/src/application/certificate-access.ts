import { DomainError, type Caller } from '@pki/contracts';
import { evaluatePolicy, InvalidPolicyError, parsePolicyDocument, type PolicyDecision } from '@pki/resource-policy';
import type { IssuingCaView } from '../domain/issuing-ca';
import { findCaPolicy } from '../infrastructure/ca-policy.queries';
import { issuanceDb } from '../infrastructure/database';
import type { IssuanceContext } from './issuance-context';

/** What a request does with the CA, as its resource policy sees it. */
export type CertificateAccess =
  | { readonly action: 'acm-pca:IssueCertificate'; readonly templateArn: string | undefined }
  | { readonly action: 'acm-pca:GetCertificate' };

/**
 * Whether `caller` may perform `access` on `ca`: the owning account always may; another account
 * only when the CA's resource policy (PutPolicy, projected from ca-service's PolicyPut /
 * PolicyDeleted events) allows it and denies nothing (IAM: explicit Deny wins). IssueCertificate
 * is evaluated on the CA ARN with `acm-pca:TemplateArn`; GetCertificate on the CA's certificates
 * (`<CA ARN>/*`, which the evaluator also accepts as the CA ARN). A stored document that no
 * longer parses grants nothing (fail closed). Otherwise AccessDeniedException.
 */
export async function authorizeCertificateAccess(context: Pick<IssuanceContext, 'db'>, caller: Caller, ca: IssuingCaView, access: CertificateAccess): Promise<void> {
  if (ca.ownerAccount === caller.accountId) return;
  const row = await findCaPolicy(issuanceDb(context.db), ca.id);
  const decision = row?.policy ? decide(row.policy, ca.arn, caller.accountId, access) : 'NoMatch';
  if (decision === 'Allow') return;
  const what = access.action === 'acm-pca:IssueCertificate' ? `${access.action} with template ${access.templateArn ?? '(none)'}` : access.action;
  const why =
    decision === 'Deny'
      ? `the resource policy of the CA explicitly denies it`
      : `the CA's owner (account ${ca.ownerAccount}) has not granted it in the CA's resource policy (PutPolicy)`;
  throw new DomainError('Forbidden', `Account ${caller.accountId} is not allowed to perform ${what} on certificate authority ${ca.arn}: ${why}.`, 'AccessDeniedException');
}

function decide(policy: string, caArn: string, accountId: string, access: CertificateAccess): PolicyDecision {
  try {
    const document = parsePolicyDocument(policy, { caArn });
    return evaluatePolicy(document, {
      accountId,
      action: access.action,
      ...(access.action === 'acm-pca:IssueCertificate' && access.templateArn !== undefined ? { templateArn: access.templateArn } : {}),
    });
  } catch (error) {
    if (error instanceof InvalidPolicyError) return 'NoMatch';
    throw error;
  }
}
