import { CROSS_ACCOUNT_TEMPLATE_ARNS, InvalidPolicyError, parsePolicyDocument } from './index';

const caArn = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555';

describe('parsePolicyDocument (lib)', () => {
  it('refuses an invalid document with InvalidPolicyError carrying the AWS code and the reason', () => {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '222222222222' }, Action: 'acm-pca:IssueCertificate', Resource: caArn }] });
    let error: unknown;
    try {
      parsePolicyDocument(text, { caArn });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidPolicyError);
    expect((error as InvalidPolicyError).code).toBe('InvalidPolicyException');
    expect((error as Error).message).toMatch(/requires a Condition on acm-pca:TemplateArn/);
  });

  it('parses the pca-rbp shape with a template condition', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: '222222222222' },
          Action: 'acm-pca:IssueCertificate',
          Resource: caArn,
          Condition: { StringEquals: { 'acm-pca:TemplateArn': CROSS_ACCOUNT_TEMPLATE_ARNS[0] } },
        },
        { Effect: 'Allow', Principal: { AWS: '222222222222' }, Action: 'acm-pca:GetCertificate', Resource: `${caArn}/*` },
      ],
    });
    const document = parsePolicyDocument(text, { caArn });
    expect(document.statements).toHaveLength(2);
    expect(document.statements[1]).toMatchObject({ coversCa: false, coversCertificates: true, actions: ['acm-pca:GetCertificate'] });
  });
});
