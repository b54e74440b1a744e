import { certificateAuthorityArn, issuedCertificateArn, parseCertificateArn, parseCertificateAuthorityArn } from './acm-pca-arns';

const CA_ID = '11111111-2222-3333-4444-555555555555';

describe('CA ARNs', () => {
  it('round-trips', () => {
    const arn = certificateAuthorityArn('eu-west-1', '123456789012', CA_ID);
    expect(arn).toBe(`arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/${CA_ID}`);
    expect(parseCertificateAuthorityArn(arn)).toEqual({ partition: 'aws', region: 'eu-west-1', account: '123456789012', caId: CA_ID });
    expect(parseCertificateAuthorityArn(certificateAuthorityArn('cn-north-1', '123456789012', CA_ID, 'aws-cn'))).toMatchObject({ partition: 'aws-cn', region: 'cn-north-1' });
  });

  it.each([
    `arn:aws:acm:us-east-1:123456789012:certificate/${CA_ID}`,
    'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/not-a-uuid',
    `arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0F4BD2A3-8C3E-4D8C-9A51-6A6F3F0F9E11`,
    `arn:aws:acm-pca:us-east-1:1234:certificate-authority/${CA_ID}`,
    `arn:aws:acm-pca::123456789012:certificate-authority/${CA_ID}`,
    `arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/${CA_ID}/certificate/01`,
    `arn:gcp:acm-pca:us-east-1:123456789012:certificate-authority/${CA_ID}`,
    ` arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/${CA_ID}`,
    '',
  ])('rejects %j', (arn) => {
    expect(parseCertificateAuthorityArn(arn)).toBeUndefined();
  });

  it('rejects what is not a string', () => {
    for (const value of [undefined, null, 42, {}, ['arn']]) expect(parseCertificateAuthorityArn(value)).toBeUndefined();
  });
});

describe('certificate ARNs', () => {
  const caArn = certificateAuthorityArn('us-east-1', '123456789012', CA_ID);

  it('round-trips, naming the issuing CA', () => {
    const arn = issuedCertificateArn(caArn, '7a1b');
    expect(arn).toBe(`${caArn}/certificate/7a1b`);
    expect(parseCertificateArn(arn)).toEqual({ partition: 'aws', region: 'us-east-1', account: '123456789012', caId: CA_ID, caArn, certificateId: '7a1b' });
  });

  it.each([caArn, `${caArn}/certificate/`, `${caArn}/certificate/01/02`, `${caArn}/certificates/01`, 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/x/certificate/01', 'not-an-arn'])('rejects %j', (arn) => {
    expect(parseCertificateArn(arn)).toBeUndefined();
  });

  it('a CA ARN is not a certificate ARN and the reverse', () => {
    expect(parseCertificateArn(caArn)).toBeUndefined();
    expect(parseCertificateAuthorityArn(issuedCertificateArn(caArn, '01'))).toBeUndefined();
  });
});
