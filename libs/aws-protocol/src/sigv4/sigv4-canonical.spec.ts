import { canonicalHeaders, canonicalQuery, canonicalUri } from './sigv4-canonical';

describe('SigV4 canonicalization', () => {
  it('normalizes and double-encodes the path for non-S3 services', () => {
    expect(canonicalUri('/a//b/./c/../d', 'iot')).toBe('/a/b/d');
    expect(canonicalUri('/cacertificate/abc%2Fdef', 'iot')).toBe('/cacertificate/abc%252Fdef');
    expect(canonicalUri('/x/a b*', 'iot')).toBe('/x/a%20b%2A');
    expect(canonicalUri('/x/', 'iot')).toBe('/x/');
    expect(canonicalUri('', 'acm-pca')).toBe('/');
    expect(canonicalUri('/', 'acm-pca')).toBe('/');
  });

  it('signs the S3 path exactly as sent', () => {
    expect(canonicalUri('/bucket/a%2Fb//c', 's3')).toBe('/bucket/a%2Fb//c');
  });

  it('sorts by encoded key then value, keeps empty values and drops X-Amz-Signature', () => {
    expect(canonicalQuery('b=2&a=1&a=&c&X-Amz-Signature=abc')).toBe('a=&a=1&b=2&c=');
    expect(canonicalQuery('k=a%20b&k=a+b&sp%20ace=%7e')).toBe('k=a%20b&k=a%2Bb&sp%20ace=~');
    expect(canonicalQuery('')).toBe('');
    expect(canonicalQuery('a=%zz')).toBe('a=%25zz');
  });

  it('trims and collapses header values and joins repeats with commas', () => {
    expect(canonicalHeaders(['host', 'x-a', 'x-b'], { host: ' h ', 'x-a': 'one   two', 'x-b': ['1', ' 2 '] })).toBe(
      'host:h\nx-a:one two\nx-b:1,2\n',
    );
    expect(canonicalHeaders(['host'], { ':authority': 'h2' })).toBe('host:h2\n');
  });
});
