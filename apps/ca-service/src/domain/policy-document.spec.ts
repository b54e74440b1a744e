import { errorOf } from '@pki/testing';
import { CROSS_ACCOUNT_TEMPLATE_ARNS, MAX_POLICY_LENGTH, parsePolicyDocument, wildcardMatches } from './policy-document';

const caArn = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555';
const target = { caArn };
const template = CROSS_ACCOUNT_TEMPLATE_ARNS[0];

const statement = (overrides: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Principal: { AWS: '222222222222' },
  Action: 'acm-pca:DescribeCertificateAuthority',
  Resource: caArn,
  ...overrides,
});
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('parsePolicyDocument', () => {
  it('accepts the AWS user guide example policy1.json (sharing with another account)', () => {
    const document = parsePolicyDocument(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: '1',
            Effect: 'Allow',
            Principal: { AWS: '222222222222' },
            Action: ['acm-pca:DescribeCertificateAuthority', 'acm-pca:GetCertificate', 'acm-pca:GetCertificateAuthorityCertificate', 'acm-pca:ListPermissions', 'acm-pca:ListTags'],
            Resource: caArn,
          },
          {
            Sid: '1',
            Effect: 'Allow',
            Principal: { AWS: '222222222222' },
            Action: ['acm-pca:IssueCertificate'],
            Resource: caArn,
            Condition: { StringEquals: { 'acm-pca:TemplateArn': 'arn:aws:acm-pca:::template/EndEntityCertificate/V1' } },
          },
        ],
      }),
      target,
    );
    expect(document.statements).toHaveLength(2);
    expect(document.statements[0]).toMatchObject({ sid: '1', effect: 'Allow', principals: ['222222222222'], coversCa: true, coversCertificates: false, templateConditions: [] });
    expect(document.statements[1]!.templateConditions).toEqual([{ operator: 'StringEquals', values: ['arn:aws:acm-pca:::template/EndEntityCertificate/V1'] }]);
  });

  it('accepts a single statement object, principal forms (id, root ARN, list) and case-insensitive actions', () => {
    const document = parsePolicyDocument(
      JSON.stringify({
        Version: '2008-10-17',
        Id: 'share',
        Statement: statement({ Principal: { AWS: ['222222222222', 'arn:aws:iam::333333333333:root', '222222222222'] }, Action: ['ACM-PCA:describecertificateauthority', 'acm-pca:ListTags'] }),
      }),
      target,
    );
    expect(document.version).toBe('2008-10-17');
    expect(document.statements[0]).toMatchObject({ principals: ['222222222222', '333333333333'], actions: ['acm-pca:DescribeCertificateAuthority', 'acm-pca:ListTags'] });
  });

  it('accepts <CA ARN>/* for GetCertificate (the CA certificates)', () => {
    const document = parsePolicyDocument(policy(statement({ Action: 'acm-pca:GetCertificate', Resource: [`${caArn}/*`] })), target);
    expect(document.statements[0]).toMatchObject({ coversCa: false, coversCertificates: true });
  });

  it.each<[string, string, RegExp]>([
    ['an empty document', '', /The policy is empty/],
    ['an overlong document', ' '.repeat(MAX_POLICY_LENGTH + 1), /81921 characters long; the maximum is 81920/],
    ['text that is not JSON', '{"Version": ', /not valid JSON/],
    ['a JSON array', '[]', /must be a JSON object with Version and Statement/],
    ['an unknown top-level element', JSON.stringify({ Version: '2012-10-17', Statement: [statement()], Extra: 1 }), /Unknown top-level element "Extra"/],
    ['no Version', JSON.stringify({ Statement: [statement()] }), /has no Version/],
    ['a wrong Version', JSON.stringify({ Version: '2020-01-01', Statement: [statement()] }), /Version "2020-01-01" is not a policy language version/],
    ['a non-string Id', JSON.stringify({ Version: '2012-10-17', Id: 5, Statement: [statement()] }), /Id must be a string/],
    ['no Statement', JSON.stringify({ Version: '2012-10-17' }), /has no Statement/],
    ['an empty Statement list', policy(), /at least one statement/],
    ['a statement that is not an object', policy('allow'), /Statement 1 must be a JSON object/],
    ['NotPrincipal', policy(statement({ NotPrincipal: { AWS: '1' } })), /Statement 1: NotPrincipal is not supported/],
    ['NotAction', policy(statement({ NotAction: 'x' })), /NotAction is not supported/],
    ['NotResource', policy(statement({ NotResource: 'x' })), /NotResource is not supported/],
    ['an unknown statement element', policy(statement({ Effects: 'Allow' })), /unknown element "Effects"/],
    ['a non-string Sid', policy(statement({ Sid: 1 })), /Sid must be a string/],
    ['a missing Effect', policy(statement({ Effect: undefined })), /Effect must be "Allow" or "Deny", got null/],
    ['a wrong Effect', policy(statement({ Effect: 'allow' })), /Effect must be "Allow" or "Deny", got "allow"/],
    ['no Principal', policy(statement({ Principal: undefined })), /has no Principal/],
    ['Principal "*"', policy(statement({ Principal: '*' })), /Principal "\*" is not supported.*aws:PrincipalOrgID/],
    ['Principal AWS "*"', policy(statement({ Principal: { AWS: '*' } })), /Principal "\*" is not supported; name each AWS account/],
    ['a string Principal', policy(statement({ Principal: '222222222222' })), /Principal must be an object/],
    ['a service principal', policy(statement({ Principal: { Service: 'acm.amazonaws.com' } })), /Principal type "Service" is not supported/],
    ['an empty AWS principal list', policy(statement({ Principal: { AWS: [] } })), /Principal.AWS must not be an empty list/],
    ['a Principal without AWS', policy(statement({ Principal: {} })), /must name at least one AWS account/],
    ['an IAM role principal', policy(statement({ Principal: { AWS: 'arn:aws:iam::222222222222:role/Issuer' } })), /Principal "arn:aws:iam::222222222222:role\/Issuer" is not supported; use a 12-digit AWS account id/],
    ['a short account id', policy(statement({ Principal: { AWS: '12345' } })), /Principal "12345" is not supported/],
    ['no Action', policy(statement({ Action: undefined })), /has no Action/],
    ['an unsupported action', policy(statement({ Action: 'acm-pca:DeleteCertificateAuthority' })), /Action "acm-pca:DeleteCertificateAuthority" is not supported.*allowed actions are acm-pca:DescribeCertificateAuthority/],
    ['a wildcard action', policy(statement({ Action: 'acm-pca:*' })), /Action "acm-pca:\*" is not supported.*no wildcards/],
    ['a non-string action', policy(statement({ Action: [1] })), /Action must be a non-empty string or a list of non-empty strings/],
    ['no Resource', policy(statement({ Resource: undefined })), /has no Resource; it must be the CA ARN/],
    ['another CA as Resource', policy(statement({ Resource: caArn.replace('11111111-', '99999999-') })), /Resource ".*99999999-.*" is not this CA/],
    ['Resource "*"', policy(statement({ Resource: '*' })), /Resource "\*" is not this CA/],
    ['<CA ARN>/* for a CA action', policy(statement({ Resource: `${caArn}/*` })), /acm-pca:DescribeCertificateAuthority act on the CA itself, so Resource must include/],
    ['IssueCertificate allowed without a template condition', policy(statement({ Action: 'acm-pca:IssueCertificate' })), /allowing acm-pca:IssueCertificate requires a Condition on acm-pca:TemplateArn/],
    ['an empty Condition', policy(statement({ Condition: {} })), /Condition must be a non-empty object/],
    ['a Condition operator without keys', policy(statement({ Action: 'acm-pca:IssueCertificate', Condition: { StringEquals: {} } })), /Condition operator StringEquals must map condition keys to values/],
    ['aws:PrincipalOrgID', policy(statement({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4z5' } } })), /aws:PrincipalOrgID cannot be evaluated: AWS Organizations are not available/],
    ['an unknown condition key', policy(statement({ Condition: { StringEquals: { 'aws:SourceIp': '10.0.0.1' } } })), /condition key aws:SourceIp cannot be evaluated; the only supported condition key is acm-pca:TemplateArn/],
    ['an unsupported operator', policy(statement({ Action: 'acm-pca:IssueCertificate', Condition: { StringNotEquals: { 'acm-pca:TemplateArn': template } } })), /condition operator StringNotEquals is not supported/],
    ['an IfExists operator', policy(statement({ Action: 'acm-pca:IssueCertificate', Condition: { StringEqualsIfExists: { 'acm-pca:TemplateArn': template } } })), /condition operator StringEqualsIfExists is not supported/],
    ['a template condition on other actions', policy(statement({ Action: ['acm-pca:IssueCertificate', 'acm-pca:ListTags'], Condition: { StringEquals: { 'acm-pca:TemplateArn': template } } })), /only exists in acm-pca:IssueCertificate requests, so it cannot condition acm-pca:ListTags/],
    ['a template other accounts may not use', policy(statement({ Action: 'acm-pca:IssueCertificate', Condition: { StringEquals: { 'acm-pca:TemplateArn': 'arn:aws:acm-pca:::template/RootCACertificate/V1' } } })), /template "arn:aws:acm-pca:::template\/RootCACertificate\/V1" matches no template another account may use/],
    ['a pattern matching no cross-account template', policy(statement({ Action: 'acm-pca:IssueCertificate', Condition: { ArnLike: { 'acm-pca:TemplateArn': 'arn:aws:acm-pca:::template/Root*' } } })), /matches no template another account may use/],
  ])('rejects %s', (_what, text, message) => {
    const error = errorOf(() => parsePolicyDocument(text, target));
    expect(error.code).toBe('InvalidPolicyException');
    expect(error.kind).toBe('Malformed');
    expect(error.message).toMatch(message);
  });

  it('accepts wildcard template patterns that match allowed templates', () => {
    const document = parsePolicyDocument(
      policy(statement({ Action: 'acm-pca:IssueCertificate', Condition: { ArnLike: { 'acm-pca:TemplateArn': 'arn:aws:acm-pca:::template/EndEntity*/V1' } } })),
      target,
    );
    expect(document.statements[0]!.templateConditions).toEqual([{ operator: 'ArnLike', values: ['arn:aws:acm-pca:::template/EndEntity*/V1'] }]);
  });

  it('accepts a Deny of IssueCertificate without a condition', () => {
    expect(parsePolicyDocument(policy(statement({ Effect: 'Deny', Action: 'acm-pca:IssueCertificate' })), target).statements[0]!.effect).toBe('Deny');
  });
});

describe('wildcardMatches', () => {
  it.each([
    ['a*c', 'abbbc', true],
    ['a?c', 'abc', true],
    ['a?c', 'abbc', false],
    ['a.c', 'abc', false],
    ['template/(x)', 'template/(x)', true],
  ])('%s against %s is %s', (pattern, value, expected) => {
    expect(wildcardMatches(pattern, value)).toBe(expected);
  });
});
