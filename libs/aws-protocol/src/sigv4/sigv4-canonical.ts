import { createHash, createHmac } from 'node:crypto';
import { percentDecodeToBytes, uriEncode, uriEncodeBytes } from '../http/uri-encoding';
import { splitRawQuery } from '../http/query-string';

/**
 * Canonical request construction, SigV4 "Create a canonical request":
 *
 *   HTTPMethod \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n HashedPayload
 *
 * The server must rebuild exactly what the client signed, so each step mirrors
 * `@smithy/signature-v4` (the signer every AWS SDK for JavaScript v3 client uses) and the
 * SigV4 documentation where the two agree.
 */

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const SCOPE_TERMINATOR = 'aws4_request';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * CanonicalURI. For every service but S3, SigV4 normalizes the path (RFC 3986 §6: drop
 * empty and `.` segments, resolve `..`) and URI-encodes it once more, so an already
 * percent-encoded label like `a%2Fb` is signed as `a%252Fb` (`SignatureV4#getCanonicalPath`
 * with `uriEscapePath: true`). S3 signs the path exactly as sent (`uriEscapePath: false`).
 */
export const canonicalUri = (rawPath: string, service: string): string => {
  const path = rawPath.length === 0 ? '/' : rawPath;
  // The root (every awsJson1_1 call) is its own canonical form.
  if (service === 's3' || path === '/') return path;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment.length === 0 || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const leading = path.startsWith('/') ? '/' : '';
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `${leading}${segments.map(uriEncode).join('/')}${trailing}` || '/';
};

/**
 * CanonicalQueryString: every parameter decoded then re-encoded per RFC 3986, sorted by
 * encoded name then encoded value (SigV4 docs), `name=` for parameters without a value,
 * and `X-Amz-Signature` left out (it cannot sign itself; the SDK drops it in any case).
 */
export const canonicalQuery = (rawQuery: string): string => {
  if (rawQuery.length === 0) return '';
  return splitRawQuery(rawQuery)
    .map(({ rawKey, rawValue }) => ({
      key: uriEncodeBytes(percentDecodeToBytes(rawKey)),
      value: uriEncodeBytes(percentDecodeToBytes(rawValue)),
    }))
    .filter(({ key }) => key.toLowerCase() !== 'x-amz-signature')
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .map(({ key, value }) => `${key}=${value}`)
    .join('&');
};

/** Header value canonical form: trimmed, inner whitespace runs collapsed; repeated headers joined by `,`. */
const canonicalHeaderValue = (value: string | readonly string[]): string =>
  typeof value === 'string' ? canonicalValue(value) : value.map(canonicalValue).join(',');
const canonicalValue = (value: string): string => value.trim().replace(/\s+/g, ' ');

/**
 * CanonicalHeaders for the names the client listed in SignedHeaders, in the client's order
 * (the SDK sends them sorted and lower-case; a client that does not will not match, as on
 * AWS). A listed header that is absent contributes no line. Over HTTP/2 `host` is `:authority`.
 */
export const canonicalHeaders = (
  signedHeaders: readonly string[],
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): string => {
  let lines = '';
  for (const name of signedHeaders) {
    const value = headers[name] ?? (name === 'host' ? headers[':authority'] : undefined);
    if (value !== undefined) lines += `${name}:${canonicalHeaderValue(value)}\n`;
  }
  return lines;
};

export interface CanonicalRequestParts {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly signedHeaders: readonly string[];
  readonly payloadHash: string;
  readonly service: string;
}

export const canonicalRequest = (parts: CanonicalRequestParts): string =>
  [
    parts.method.toUpperCase(),
    canonicalUri(parts.path, parts.service),
    canonicalQuery(parts.query),
    canonicalHeaders(parts.signedHeaders, parts.headers),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** StringToSign = Algorithm \n RequestDateTime \n CredentialScope \n HashedCanonicalRequest */
export const stringToSign = (amzDate: string, scope: string, canonical: string): string =>
  [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request") */
export const signingKey = (secretAccessKey: string, shortDate: string, region: string, service: string): Buffer =>
  [shortDate, region, service, SCOPE_TERMINATOR].reduce<Buffer>(
    (key, part) => createHmac('sha256', key).update(part, 'utf8').digest(),
    Buffer.from(`AWS4${secretAccessKey}`, 'utf8'),
  );

export const signatureHex = (key: Buffer, toSign: string): string => createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
