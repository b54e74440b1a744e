import { parsePolicyDocument } from './policy-document';
import { deniedActions, evaluatePolicy, grantedActionsByAccount, policyGrants } from './policy-evaluation';

const caArn = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555';
const OWNER = '111111111111';
const B = '222222222222';
const C = '333333333333';
const END_ENTITY = 'arn:aws:acm-pca:::template/EndEntityCertificate/V1';
const SERVER_AUTH = 'arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1';
const ROOT = 'arn:aws:acm-pca:::template/RootCACertificate/V1';

const doc = (...statements: object[]) => parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements }), { caArn });
const allow = (principal: unknown, action: unknown, extra: object = {}) => ({ Effect: 'Allow', Principal: { AWS: principal }, Action: action, Resource: caArn, ...extra });
const deny = (principal: unknown, action: unknown, extra: object = {}) => ({ ...allow(principal, action, extra), Effect: 'Deny' });
const onTemplates = (op: string, values: unknown) => ({ Condition: { [op]: { 'acm-pca:TemplateArn': values } } });

describe('evaluatePolicy', () => {
  it('allows a named account the named action and nothing else', () => {
    const policy = doc(allow(B, 'acm-pca:DescribeCertificateAuthority'));
    expect(evaluatePolicy(policy, { accountId: B, action: 'acm-pca:DescribeCertificateAuthority' })).toBe('Allow');
    expect(evaluatePolicy(policy, { accountId: B, action: 'acm-pca:describecertificateauthority' })).toBe('Allow');
    expect(evaluatePolicy(policy, { accountId: B, action: 'acm-pca:ListTags' })).toBe('NoMatch');
    expect(evaluatePolicy(policy, { accountId: C, action: 'acm-pca:DescribeCertificateAuthority' })).toBe('NoMatch');
    // Actions a policy cannot grant are never granted.
    expect(evaluatePolicy(policy, { accountId: B, action: 'acm-pca:PutPolicy' })).toBe('NoMatch');
    expect(evaluatePolicy(policy, { accountId: B, action: 'acm-pca:TagCertificateAuthority' })).toBe('NoMatch');
  });

  it('treats an account id and its root ARN as the same principal', () => {
    const policy = doc(allow(`arn:aws:iam::${B}:root`, 'acm-pca:ListTags'), allow([C], 'acm-pca:ListTags'));
    expect(policyGrants(policy, { accountId: B, action: 'acm-pca:ListTags' })).toBe(true);
    expect(policyGrants(policy, { accountId: C, action: 'acm-pca:ListTags' })).toBe(true);
  });

  it('lets an explicit Deny win over an Allow, whatever the statement order', () => {
    const actions = ['acm-pca:DescribeCertificateAuthority', 'acm-pca:ListTags'];
    for (const policy of [doc(allow([B, C], actions), deny(B, 'acm-pca:ListTags')), doc(deny(B, 'acm-pca:ListTags'), allow([B, C], actions))]) {
      expect(evaluatePolicy(policy, { accountId: B, action: 'acm-pca:ListTags' })).toBe('Deny');
      expect(evaluatePolicy(policy, { accountId: B, action: 'acm-pca:DescribeCertificateAuthority' })).toBe('Allow');
      expect(evaluatePolicy(policy, { accountId: C, action: 'acm-pca:ListTags' })).toBe('Allow');
    }
  });

  it('reports Deny for a denied action even without an Allow', () => {
    expect(evaluatePolicy(doc(deny(B, 'acm-pca:ListTags')), { accountId: B, action: 'acm-pca:ListTags' })).toBe('Deny');
  });

  it('evaluates acm-pca:TemplateArn conditions on IssueCertificate', () => {
    const policy = doc(allow(B, 'acm-pca:IssueCertificate', onTemplates('StringEquals', [END_ENTITY, SERVER_AUTH])));
    expect(policyGrants(policy, { accountId: B, action: 'acm-pca:IssueCertificate', templateArn: END_ENTITY })).toBe(true);
    expect(policyGrants(policy, { accountId: B, action: 'acm-pca:IssueCertificate', templateArn: SERVER_AUTH })).toBe(true);
    expect(policyGrants(policy, { accountId: B, action: 'acm-pca:IssueCertificate', templateArn: 'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1' })).toBe(false);
    // Without the template the condition cannot hold.
    expect(policyGrants(policy, { accountId: B, action: 'acm-pca:IssueCertificate' })).toBe(false);
  });

  it('never lets another account issue with a template outside the cross-account list, even through a wildcard', () => {
    const policy = doc(allow(B, 'acm-pca:IssueCertificate', onTemplates('ArnLike', 'arn:aws:acm-pca:::template/*')));
    expect(policyGrants(policy, { accountId: B, action: 'acm-pca:IssueCertificate', templateArn: END_ENTITY })).toBe(true);
    expect(policyGrants(policy, { accountId: B, action: 'acm-pca:IssueCertificate', templateArn: ROOT })).toBe(false);
  });

  it('applies a conditional Deny only to its templates, and assumes it applies when the template is unknown', () => {
    const policy = doc(allow(B, 'acm-pca:IssueCertificate', onTemplates('ArnLike', 'arn:aws:acm-pca:::template/EndEntity*')), deny(B, 'acm-pca:IssueCertificate', onTemplates('StringEquals', SERVER_AUTH)));
    expect(evaluatePolicy(policy, { accountId: B, action: 'acm-pca:IssueCertificate', templateArn: END_ENTITY })).toBe('Allow');
    expect(evaluatePolicy(policy, { accountId: B, action: 'acm-pca:IssueCertificate', templateArn: SERVER_AUTH })).toBe('Deny');
    expect(evaluatePolicy(policy, { accountId: B, action: 'acm-pca:IssueCertificate' })).toBe('Deny');
  });

  it('lets <CA ARN>/* grant GetCertificate (the CA certificates)', () => {
    const policy = doc({ Effect: 'Allow', Principal: { AWS: B }, Action: 'acm-pca:GetCertificate', Resource: `${caArn}/*` });
    expect(policyGrants(policy, { accountId: B, action: 'acm-pca:GetCertificate' })).toBe(true);
  });
});

describe('grantedActionsByAccount', () => {
  it('lists each other account with what it may do, leaving out the owner and fully denied accounts', () => {
    const policy = doc(
      allow([OWNER, B, C], ['acm-pca:DescribeCertificateAuthority', 'acm-pca:ListTags']),
      allow(B, 'acm-pca:IssueCertificate', onTemplates('StringEquals', END_ENTITY)),
      deny(C, ['acm-pca:DescribeCertificateAuthority', 'acm-pca:ListTags']),
    );
    expect(Object.fromEntries(grantedActionsByAccount(policy, OWNER))).toEqual({
      [B]: ['acm-pca:DescribeCertificateAuthority', 'acm-pca:ListTags', 'acm-pca:IssueCertificate'],
    });
  });

  it('does not count IssueCertificate when every allowed template is denied', () => {
    const policy = doc(allow(B, 'acm-pca:IssueCertificate', onTemplates('StringEquals', END_ENTITY)), deny(B, 'acm-pca:IssueCertificate', onTemplates('StringEquals', END_ENTITY)));
    expect(grantedActionsByAccount(policy, OWNER).size).toBe(0);
  });
});

describe('deniedActions', () => {
  it('names the actions Deny statements refuse an account', () => {
    const policy = doc(allow(B, 'acm-pca:ListTags'), deny([OWNER, C], ['acm-pca:ListTags', 'acm-pca:GetCertificate']));
    expect(deniedActions(policy, OWNER)).toEqual(['acm-pca:GetCertificate', 'acm-pca:ListTags']);
    expect(deniedActions(policy, B)).toEqual([]);
  });
});
