import { crlObjectKey, crlPartitionOfKey, crlPublicationUrl } from './crl-location';

const caId = '11111111-2222-4333-8444-555555555555';
const partition = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

describe('CRL locations (object keys and distribution point URLs)', () => {
  it('puts a complete CRL at crl/<CA id>.crl, or under CustomPath', () => {
    expect(crlObjectKey({ caId, customPath: null })).toBe(`crl/${caId}.crl`);
    expect(crlObjectKey({ caId, customPath: 'pki/crls' })).toBe(`pki/crls/${caId}.crl`);
  });

  it('puts a partition CRL at crl/<CA id>/<partition>.crl, or <CustomPath>/<partition>.crl', () => {
    expect(crlObjectKey({ caId, customPath: null }, partition)).toBe(`crl/${caId}/${partition}.crl`);
    expect(crlObjectKey({ caId, customPath: 'pki/crls' }, partition)).toBe(`pki/crls/${partition}.crl`);
  });

  it('reads the partition back from its key, and nothing from any other key', () => {
    expect(crlPartitionOfKey({ caId, customPath: null }, `crl/${caId}/${partition}.crl`)).toBe(partition);
    expect(crlPartitionOfKey({ caId, customPath: 'p' }, `p/${partition}.crl`)).toBe(partition);
    expect(crlPartitionOfKey({ caId, customPath: null }, `crl/${caId}.crl`)).toBeUndefined();
    expect(crlPartitionOfKey({ caId, customPath: 'p' }, `q/${partition}.crl`)).toBeUndefined();
    expect(crlPartitionOfKey({ caId, customPath: 'p' }, `p/x/${partition}.crl`)).toBeUndefined();
    expect(crlPartitionOfKey({ caId, customPath: 'p' }, `p/${partition.toUpperCase()}.crl`)).toBeUndefined();
  });

  it('names the CustomCname when set, else the bucket under the public URL; nothing without a bucket', () => {
    expect(crlPublicationUrl({ caId, customPath: null, customCname: 'crl.example.com', s3BucketName: 'b' }, 'http://x')).toBe(`http://crl.example.com/crl/${caId}.crl`);
    expect(crlPublicationUrl({ caId, customPath: 'pki', customCname: null, s3BucketName: 'b' }, 'http://x:4566/', partition)).toBe(`http://x:4566/b/pki/${partition}.crl`);
    expect(crlPublicationUrl({ caId, customPath: null, customCname: null, s3BucketName: null }, 'http://x')).toBeNull();
  });
});
