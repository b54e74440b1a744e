import {
  CROSS_ACCOUNT_TEMPLATE_ARNS,
  ISSUE_CERTIFICATE,
  POLICY_ACTIONS,
  templateConditionMatches,
  type PolicyAction,
  type PolicyDocument,
  type PolicyStatement,
} from './policy-document';

/** One request another account makes on the CA, as the policy sees it. */
export interface PolicyRequest {
  readonly accountId: string;
  /** `acm-pca:<Operation>`; compared case-insensitively, as IAM does. */
  readonly action: string;
  /** For IssueCertificate: the template the caller asked for (`acm-pca:TemplateArn`). */
  readonly templateArn?: string;
}

export type PolicyDecision = 'Allow' | 'Deny' | 'NoMatch';

function canonicalAction(action: string): PolicyAction | undefined {
  return POLICY_ACTIONS.find((known) => known.toLowerCase() === action.toLowerCase());
}

/**
 * Whether a statement's conditions hold. Without a template in the request, a condition on
 * acm-pca:TemplateArn cannot hold (IAM: a missing key fails the condition), except that a
 * conditional Deny is then assumed to apply: when in doubt, refuse.
 */
function conditionsHold(statement: PolicyStatement, request: PolicyRequest): boolean {
  if (statement.templateConditions.length === 0) return true;
  if (request.templateArn === undefined) return statement.effect === 'Deny';
  return statement.templateConditions.every((condition) => templateConditionMatches(condition, request.templateArn!));
}

function applies(statement: PolicyStatement, request: PolicyRequest, action: PolicyAction): boolean {
  // GetCertificate reaches the CA's certificates, named by the CA ARN or by `<CA ARN>/*`.
  const resourceMatches = statement.coversCa || (statement.coversCertificates && action === 'acm-pca:GetCertificate');
  return resourceMatches && statement.principals.includes(request.accountId) && statement.actions.includes(action) && conditionsHold(statement, request);
}

/**
 * IAM evaluation of one resource policy: an explicit Deny wins over any Allow; without a
 * matching Allow the request is not granted (NoMatch = implicit deny).
 */
export function evaluatePolicy(document: PolicyDocument, request: PolicyRequest): PolicyDecision {
  const action = canonicalAction(request.action);
  if (!action) return 'NoMatch';
  const matching = document.statements.filter((statement) => applies(statement, request, action));
  if (matching.some((statement) => statement.effect === 'Deny')) return 'Deny';
  if (action === ISSUE_CERTIFICATE && (request.templateArn === undefined || !CROSS_ACCOUNT_TEMPLATE_ARNS.includes(request.templateArn as never))) {
    // pca-rbp: cross-account issuers may use only the listed end-entity templates.
    return 'NoMatch';
  }
  return matching.some((statement) => statement.effect === 'Allow') ? 'Allow' : 'NoMatch';
}

export const policyGrants = (document: PolicyDocument, request: PolicyRequest): boolean => evaluatePolicy(document, request) === 'Allow';

/**
 * Every account the policy lets do something, with the actions it may perform (for
 * IssueCertificate: with at least one allowed template). Exact, because the only condition
 * key is the template and the set of templates another account may use is finite. Used by
 * ListCertificateAuthorities(OTHER_ACCOUNTS); the owner is left out (its CAs are SELF).
 */
export function grantedActionsByAccount(document: PolicyDocument, ownerAccount: string): Map<string, PolicyAction[]> {
  const accounts = new Set(document.statements.filter((s) => s.effect === 'Allow').flatMap((s) => s.principals));
  accounts.delete(ownerAccount);
  const grants = new Map<string, PolicyAction[]>();
  for (const accountId of [...accounts].sort()) {
    const actions = POLICY_ACTIONS.filter((action) =>
      action === ISSUE_CERTIFICATE
        ? CROSS_ACCOUNT_TEMPLATE_ARNS.some((templateArn) => policyGrants(document, { accountId, action, templateArn }))
        : policyGrants(document, { accountId, action }),
    );
    if (actions.length > 0) grants.set(accountId, actions);
  }
  return grants;
}

/** Whether a policy denies `accountId` any action on the CA outright (used to prevent the owner's lockout). */
export function deniedActions(document: PolicyDocument, accountId: string): PolicyAction[] {
  return POLICY_ACTIONS.filter((action) =>
    document.statements.some((statement) => statement.effect === 'Deny' && statement.principals.includes(accountId) && statement.actions.includes(action)),
  );
}
