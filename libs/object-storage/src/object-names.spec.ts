import { assertValidObjectKey, bucketNameProblem, objectKeyProblem } from './object-names';

describe('bucket names (S3 general-purpose naming rules)', () => {
  it.each(['my-bucket', 'abc', 'a.b.c', 'pki-crls-123', 'a'.repeat(63)])('accepts %s', (name) => {
    expect(bucketNameProblem(name)).toBeUndefined();
  });
  it.each([
    ['ab', 'between 3 and 63'],
    ['a'.repeat(64), 'between 3 and 63'],
    ['My-Bucket', 'lowercase'],
    ['-bucket', 'begin and end'],
    ['bucket-', 'begin and end'],
    ['bu_cket', 'lowercase'],
    ['a..b', 'adjacent periods'],
    ['192.168.5.4', 'IP address'],
    ['xn--bucket', 'reserved prefix'],
    ['sthree-bucket', 'reserved prefix'],
    ['bucket-s3alias', 'reserved suffix'],
    ['bucket--ol-s3', 'reserved suffix'],
    ['../etc', 'lowercase'],
  ])('refuses %s (%s)', (name, why) => {
    expect(bucketNameProblem(name)).toContain(why);
  });
});

describe('object keys', () => {
  it.each(['crl/0b9e.crl', 'audit-report/ca/report.json', 'a', 'with space/ünïcode', 'a.b/.c./d..e'])('accepts %s', (key) => {
    expect(objectKeyProblem(key)).toBeUndefined();
  });
  it.each([
    ['', '1 to 1024'],
    ['x'.repeat(1025), '1 to 1024'],
    ['/etc/passwd', 'start with "/"'],
    ['../secret', '".."'],
    ['a/../../b', '".."'],
    ['a/./b', '"."'],
    ['a//b', 'empty'],
    ['a/', 'empty'],
    ['..', '".."'],
    ['a\\..\\b', 'backslash'],
    ['a\u0000b', 'control'],
  ])('refuses %j (%s)', (key, why) => {
    expect(objectKeyProblem(key)).toContain(why);
  });
  it('counts the 1024-byte limit in UTF-8 bytes', () => {
    expect(objectKeyProblem('é'.repeat(512))).toBeUndefined();
    expect(objectKeyProblem('é'.repeat(513))).toContain('1 to 1024');
  });
  it('throws an error that names the key', () => {
    expect(() => assertValidObjectKey('../x')).toThrow('Invalid object key "../x"');
  });
});
