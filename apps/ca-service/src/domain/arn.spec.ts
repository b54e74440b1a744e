import { caArn, parseCaArn } from './arn';

describe('CA ARNs', () => {
  it('round-trips', () => {
    const arn = caArn('eu-west-1', '123456789012', '11111111-2222-3333-4444-555555555555');
    expect(arn).toBe('arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555');
    expect(parseCaArn(arn)).toEqual({ partition: 'aws', region: 'eu-west-1', accountId: '123456789012', certificateAuthorityId: '11111111-2222-3333-4444-555555555555' });
  });

  it.each([
    'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
    'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/not-a-uuid',
    'arn:aws:acm-pca:us-east-1:1234:certificate-authority/11111111-2222-3333-4444-555555555555',
    'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555/certificate/01',
  ])('rejects %s', (arn) => {
    expect(parseCaArn(arn)).toBeUndefined();
  });
});
