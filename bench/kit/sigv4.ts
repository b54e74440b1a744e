/**
 * A lean AWS Signature Version 4 signer (AWS4-HMAC-SHA256, header form) on node:crypto, for the
 * benchmarks: the figure they print is the server's, so the client must cost as little as a
 * well-written one does. The derived signing key is cached per (secret, date, region, service),
 * as every SDK does, so a request costs two SHA-256 and two HMACs.
 * Checked against AWS's published test vectors in sigv4.spec.ts, and against the gateway's own
 * verifier there and in every benchmark run.
 */
import { createHash, createHmac } from 'node:crypto';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface SignableRequest {
  readonly method: string;
  /** Canonical URI as sent (the benchmarks only use `/`): not re-encoded here. */
  readonly path: string;
  /** Canonical query string (already sorted and encoded), '' for none. */
  readonly query?: string;
  /** Must include `host`; names in any case; every header given is signed. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

export interface Scope {
  readonly region: string;
  readonly service: string;
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

const keyCache = new Map<string, Buffer>();

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), cached. */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${date}\n${region}\n${service}\n${secret}`;
  let key = keyCache.get(id);
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    if (keyCache.size >= 64) keyCache.clear(); // a day's keys for a handful of scopes; never grows unbounded
    keyCache.set(id, key);
  }
  return key;
}

/** `20150830T123600Z` */
export const amzDate = (now: Date): string => now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/**
 * The headers to send: the request's own (lower-cased), `x-amz-date` and `authorization`.
 * Every given header is signed (host included), sorted by name, values trimmed.
 */
export function signRequest(request: SignableRequest, credentials: Credentials, scope: Scope, now: Date = new Date()): Record<string, string> {
  const date = amzDate(now);
  const headers: Record<string, string> = { 'x-amz-date': date };
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value.trim().replace(/\s+/g, ' ');
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonical = [
    request.method,
    request.path,
    request.query ?? '',
    names.map((n) => `${n}:${headers[n]}\n`).join(''),
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  const credentialScope = `${date.slice(0, 8)}/${scope.region}/${scope.service}/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${date}\n${credentialScope}\n${sha256Hex(canonical)}`;
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, date.slice(0, 8), scope.region, scope.service))
    .update(toSign, 'utf8')
    .digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
