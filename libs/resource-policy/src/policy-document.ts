import { InvalidPolicyError } from './errors';

/**
 * Resource-based policies of a private CA (PutPolicy), parsed into a form that can be
 * evaluated. AWS: "The structure of the JSON resource-based polices shown below must be
 * followed precisely. Only the ID fields for the principals ... and the CA ARNs can be
 * configured by customers" (user guide, pca-rbp). So anything this platform cannot evaluate
 * exactly is refused with InvalidPolicyException instead of being ignored.
 */

/** AWS's maximum length of the `Policy` member (AWSPolicy: length 1..81920 in the current acm-pca model, botocore 1.43). */
export const MAX_POLICY_LENGTH = 81_920;

/** IAM policy language versions (IAM JSON policy reference, "Version"). */
const POLICY_VERSIONS = ['2012-10-17', '2008-10-17'] as const;

/**
 * Actions a CA's resource policy can grant (pca-rbp: policy1.json lists the first six;
 * the current guide adds RevokeCertificate for RAM customer managed permissions).
 */
export const POLICY_ACTIONS = [
  'acm-pca:DescribeCertificateAuthority',
  'acm-pca:GetCertificate',
  'acm-pca:GetCertificateAuthorityCertificate',
  'acm-pca:ListPermissions',
  'acm-pca:ListTags',
  'acm-pca:IssueCertificate',
  'acm-pca:RevokeCertificate',
] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

export const ISSUE_CERTIFICATE: PolicyAction = 'acm-pca:IssueCertificate';
const GET_CERTIFICATE: PolicyAction = 'acm-pca:GetCertificate';

/**
 * pca-rbp: "Cross-account issuers are constrained by a resource-based policy and have access
 * only to the following end-entity certificate templates".
 */
export const CROSS_ACCOUNT_TEMPLATE_ARNS = [
  'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
  'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1',
  'arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1',
  'arn:aws:acm-pca:::template/BlankEndEntityCertificate_APIPassthrough/V1',
  'arn:aws:acm-pca:::template/BlankEndEntityCertificate_APICSRPassthrough/V1',
  'arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1',
] as const;

/** The one condition key the platform evaluates (IssueCertificate's `TemplateArn`). */
export const TEMPLATE_ARN_KEY = 'acm-pca:TemplateArn';

/** IAM condition operators accepted on acm-pca:TemplateArn: exact (Equals) or wildcard (Like) match. */
export type TemplateOperator = 'StringEquals' | 'StringLike' | 'ArnEquals' | 'ArnLike';
const TEMPLATE_OPERATORS: readonly TemplateOperator[] = ['StringEquals', 'StringLike', 'ArnEquals', 'ArnLike'];

/** One condition block on acm-pca:TemplateArn: true when the template matches any value. */
export interface TemplateCondition {
  readonly operator: TemplateOperator;
  readonly values: readonly string[];
}

export interface PolicyStatement {
  readonly sid: string | null;
  readonly effect: 'Allow' | 'Deny';
  /** 12-digit AWS account ids. */
  readonly principals: readonly string[];
  readonly actions: readonly PolicyAction[];
  /** Whether the statement names the CA itself / the CA's certificates (`<CA ARN>/*`). */
  readonly coversCa: boolean;
  readonly coversCertificates: boolean;
  /** All must hold (IAM: condition blocks are ANDed); empty when the statement has none. */
  readonly templateConditions: readonly TemplateCondition[];
}

export interface PolicyDocument {
  readonly version: (typeof POLICY_VERSIONS)[number];
  readonly statements: readonly PolicyStatement[];
}

/** The CA a policy is being attached to. */
export interface PolicyTarget {
  readonly caArn: string;
}

const invalid = (message: string) => new InvalidPolicyError(message);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const ACCOUNT_ID = /^\d{12}$/;
const ACCOUNT_ROOT_ARN = /^arn:aws:iam::(\d{12}):root$/;

/** `*` and `?` wildcards of IAM's *Like operators, matched over the whole value. */
export function wildcardMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return regex.test(value);
}

/** Whether a template ARN satisfies one condition block. */
export function templateConditionMatches(condition: TemplateCondition, templateArn: string): boolean {
  const like = condition.operator === 'StringLike' || condition.operator === 'ArnLike';
  return condition.values.some((value) => (like ? wildcardMatches(value, templateArn) : value === templateArn));
}

function stringOrList(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw invalid(`${where} must not be an empty list.`);
  for (const item of list) {
    if (typeof item !== 'string' || item.length === 0) throw invalid(`${where} must be a non-empty string or a list of non-empty strings.`);
  }
  return list as string[];
}

function parsePrincipals(value: unknown, where: string): string[] {
  if (value === undefined) throw invalid(`${where} has no Principal; name the AWS accounts it applies to, e.g. {"AWS": "111122223333"}.`);
  if (value === '*') {
    throw invalid(
      `${where}: Principal "*" is not supported. AWS allows it only together with an aws:PrincipalOrgID condition, and AWS Organizations are not available here; name each AWS account instead.`,
    );
  }
  if (!isObject(value)) throw invalid(`${where}: Principal must be an object such as {"AWS": "111122223333"}.`);
  const other = Object.keys(value).filter((key) => key !== 'AWS');
  if (other.length > 0) throw invalid(`${where}: Principal type ${other.map((k) => `"${k}"`).join(', ')} is not supported; only "AWS" account principals can be granted access to a CA.`);
  if (value.AWS === undefined) throw invalid(`${where}: Principal must name at least one AWS account under "AWS".`);
  return stringOrList(value.AWS, `${where} Principal.AWS`).map((principal) => {
    if (ACCOUNT_ID.test(principal)) return principal;
    const root = ACCOUNT_ROOT_ARN.exec(principal);
    if (root) return root[1]!;
    if (principal === '*') throw invalid(`${where}: Principal "*" is not supported; name each AWS account instead.`);
    throw invalid(
      `${where}: Principal "${principal}" is not supported; use a 12-digit AWS account id ("111122223333") or an account root ARN ("arn:aws:iam::111122223333:root").`,
    );
  });
}

function parseActions(value: unknown, where: string): PolicyAction[] {
  if (value === undefined) throw invalid(`${where} has no Action.`);
  const byLowerCase = new Map(POLICY_ACTIONS.map((action) => [action.toLowerCase(), action]));
  const actions = stringOrList(value, `${where} Action`).map((action) => {
    // IAM action names are case-insensitive.
    const known = byLowerCase.get(action.toLowerCase());
    if (!known) throw invalid(`${where}: Action "${action}" is not supported in a CA resource policy; allowed actions are ${POLICY_ACTIONS.join(', ')} (no wildcards).`);
    return known;
  });
  return [...new Set(actions)];
}

function parseResources(value: unknown, target: PolicyTarget, where: string): { coversCa: boolean; coversCertificates: boolean } {
  if (value === undefined) throw invalid(`${where} has no Resource; it must be the CA ARN ${target.caArn}.`);
  let coversCa = false;
  let coversCertificates = false;
  for (const resource of stringOrList(value, `${where} Resource`)) {
    if (resource === target.caArn) coversCa = true;
    else if (resource === `${target.caArn}/*`) coversCertificates = true;
    else throw invalid(`${where}: Resource "${resource}" is not this CA; it must be ${target.caArn} (or ${target.caArn}/* for its certificates).`);
  }
  return { coversCa, coversCertificates };
}

function parseConditions(value: unknown, actions: readonly PolicyAction[], where: string): TemplateCondition[] {
  if (value === undefined) return [];
  if (!isObject(value) || Object.keys(value).length === 0) throw invalid(`${where}: Condition must be a non-empty object of condition operators.`);
  const conditions: TemplateCondition[] = [];
  for (const [operator, block] of Object.entries(value)) {
    if (!isObject(block) || Object.keys(block).length === 0) throw invalid(`${where}: Condition operator ${operator} must map condition keys to values.`);
    for (const [key, values] of Object.entries(block)) {
      if (key.toLowerCase() === 'aws:principalorgid' || key.toLowerCase() === 'aws:principalorgpaths') {
        throw invalid(`${where}: condition key ${key} cannot be evaluated: AWS Organizations are not available here; name each AWS account as a principal instead.`);
      }
      // IAM condition key names are case-insensitive.
      if (key.toLowerCase() !== TEMPLATE_ARN_KEY.toLowerCase()) {
        throw invalid(`${where}: condition key ${key} cannot be evaluated; the only supported condition key is ${TEMPLATE_ARN_KEY}.`);
      }
      if (!TEMPLATE_OPERATORS.includes(operator as TemplateOperator)) {
        throw invalid(`${where}: condition operator ${operator} is not supported for ${TEMPLATE_ARN_KEY}; use one of ${TEMPLATE_OPERATORS.join(', ')}.`);
      }
      const others = actions.filter((action) => action !== ISSUE_CERTIFICATE);
      if (others.length > 0) {
        throw invalid(`${where}: ${TEMPLATE_ARN_KEY} only exists in ${ISSUE_CERTIFICATE} requests, so it cannot condition ${others.join(', ')}; put those actions in a statement without this condition.`);
      }
      const condition: TemplateCondition = { operator: operator as TemplateOperator, values: stringOrList(values, `${where} Condition ${operator} ${key}`) };
      for (const template of condition.values) {
        if (!CROSS_ACCOUNT_TEMPLATE_ARNS.some((allowed) => templateConditionMatches({ ...condition, values: [template] }, allowed))) {
          throw invalid(`${where}: template "${template}" matches no template another account may use; cross-account issuers may use only ${CROSS_ACCOUNT_TEMPLATE_ARNS.join(', ')}.`);
        }
      }
      conditions.push(condition);
    }
  }
  return conditions;
}

const STATEMENT_KEYS = ['Sid', 'Effect', 'Principal', 'Action', 'Resource', 'Condition'];
const UNSUPPORTED_STATEMENT_KEYS = ['NotPrincipal', 'NotAction', 'NotResource'];

function parseStatement(value: unknown, index: number, target: PolicyTarget): PolicyStatement {
  const where = `Statement ${index + 1}`;
  if (!isObject(value)) throw invalid(`${where} must be a JSON object.`);
  for (const key of Object.keys(value)) {
    if (UNSUPPORTED_STATEMENT_KEYS.includes(key)) throw invalid(`${where}: ${key} is not supported in a CA resource policy; use ${key.replace('Not', '')}.`);
    if (!STATEMENT_KEYS.includes(key)) throw invalid(`${where}: unknown element "${key}"; a statement may contain ${STATEMENT_KEYS.join(', ')}.`);
  }
  if (value.Sid !== undefined && typeof value.Sid !== 'string') throw invalid(`${where}: Sid must be a string.`);
  if (value.Effect !== 'Allow' && value.Effect !== 'Deny') throw invalid(`${where}: Effect must be "Allow" or "Deny", got ${JSON.stringify(value.Effect ?? null)}.`);
  const principals = parsePrincipals(value.Principal, where);
  const actions = parseActions(value.Action, where);
  const { coversCa, coversCertificates } = parseResources(value.Resource, target, where);
  // `<CA ARN>/*` names the CA's certificates, which only GetCertificate addresses; a statement
  // whose actions no resource covers would silently grant or deny nothing.
  const uncovered = actions.filter((action) => !coversCa && !(coversCertificates && action === GET_CERTIFICATE));
  if (uncovered.length > 0) throw invalid(`${where}: ${uncovered.join(', ')} act on the CA itself, so Resource must include ${target.caArn}.`);
  const templateConditions = parseConditions(value.Condition, actions, where);
  if (value.Effect === 'Allow' && actions.includes(ISSUE_CERTIFICATE) && templateConditions.length === 0) {
    throw invalid(
      `${where}: allowing ${ISSUE_CERTIFICATE} requires a Condition on ${TEMPLATE_ARN_KEY} (e.g. {"StringEquals": {"${TEMPLATE_ARN_KEY}": "${CROSS_ACCOUNT_TEMPLATE_ARNS[0]}"}}), because cross-account issuers may use only end-entity templates.`,
    );
  }
  return { sid: value.Sid ?? null, effect: value.Effect, principals: [...new Set(principals)], actions, coversCa, coversCertificates, templateConditions };
}

/**
 * Parses and validates a policy document for the CA `target`; throws InvalidPolicyError
 * with a message that says what is wrong.
 */
export function parsePolicyDocument(text: string, target: PolicyTarget): PolicyDocument {
  if (text.length === 0) throw invalid('The policy is empty.');
  if (text.length > MAX_POLICY_LENGTH) throw invalid(`The policy is ${text.length} characters long; the maximum is ${MAX_POLICY_LENGTH}.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(`The policy is not valid JSON: ${(error as Error).message}.`);
  }
  if (!isObject(parsed)) throw invalid('The policy must be a JSON object with Version and Statement.');
  const unknown = Object.keys(parsed).filter((key) => !['Version', 'Id', 'Statement'].includes(key));
  if (unknown.length > 0) throw invalid(`Unknown top-level element ${unknown.map((k) => `"${k}"`).join(', ')}; a policy may contain Version, Id and Statement.`);
  if (parsed.Version === undefined) throw invalid(`The policy has no Version; use "2012-10-17".`);
  if (!POLICY_VERSIONS.includes(parsed.Version as never)) throw invalid(`Version ${JSON.stringify(parsed.Version)} is not a policy language version; use "2012-10-17".`);
  if (parsed.Id !== undefined && typeof parsed.Id !== 'string') throw invalid('Id must be a string.');
  if (parsed.Statement === undefined) throw invalid('The policy has no Statement.');
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  if (statements.length === 0) throw invalid('The policy must contain at least one statement.');
  return { version: parsed.Version as PolicyDocument['version'], statements: statements.map((statement, index) => parseStatement(statement, index, target)) };
}
