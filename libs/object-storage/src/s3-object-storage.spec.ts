import { getObjectCommand, putObjectCommand } from './s3-object-storage';

describe('S3 adapter command construction', () => {
  const body = new TextEncoder().encode('report');

  it('puts with the canned ACL AWS Private CA uses and records the ACL and owner as user metadata', () => {
    const command = putObjectCommand('audit-bucket', 'audit-report/ca/r.json', body, {
      contentType: 'application/json',
      acl: 'BUCKET_OWNER_FULL_CONTROL',
      ownerAccount: '111111111111',
    });
    expect(command.input).toEqual({
      Bucket: 'audit-bucket',
      Key: 'audit-report/ca/r.json',
      Body: body,
      ContentType: 'application/json',
      ContentLength: 6,
      ACL: 'bucket-owner-full-control',
      Metadata: { 'pki-acl': 'BUCKET_OWNER_FULL_CONTROL', 'pki-owner-account': '111111111111' },
    });
  });

  it('maps PUBLIC_READ to public-read', () => {
    const command = putObjectCommand('crl-bucket', 'crl/x.crl', body, { contentType: 'application/pkix-crl', acl: 'PUBLIC_READ', ownerAccount: '222222222222' });
    expect(command.input.ACL).toBe('public-read');
  });

  it('gets by bucket and key', () => {
    expect(getObjectCommand('crl-bucket', 'crl/x.crl').input).toEqual({ Bucket: 'crl-bucket', Key: 'crl/x.crl' });
  });

  it('refuses bad names and metadata before anything is sent', () => {
    const meta = { contentType: 'text/plain', acl: 'PUBLIC_READ' as const, ownerAccount: '111111111111' };
    expect(() => putObjectCommand('Bad_Bucket', 'k', body, meta)).toThrow('Invalid bucket name');
    expect(() => putObjectCommand('bucket', '../k', body, meta)).toThrow('Invalid object key');
    expect(() => putObjectCommand('bucket', 'k', body, { ...meta, ownerAccount: 'me' })).toThrow('12 digits');
    expect(() => putObjectCommand('bucket', 'k', body, { ...meta, acl: 'AUTHENTICATED_READ' as never })).toThrow('Unknown object ACL');
    expect(() => getObjectCommand('bucket', '/etc/passwd')).toThrow('Invalid object key');
  });
});
