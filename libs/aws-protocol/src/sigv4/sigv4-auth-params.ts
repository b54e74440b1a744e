import { percentDecode } from '../http/uri-encoding';
import { splitRawQuery } from '../http/query-string';
import { ALGORITHM } from './sigv4-canonical';
import { fail, SIGV4_MESSAGES, unsupportedAlgorithm } from './sigv4-messages';
import { requestTarget, type SigV4Failure, type SigV4Request } from './sigv4.types';

/** The signature parameters of a request, from the Authorization header or the presigned query. */
export interface AuthParams {
  readonly form: 'header' | 'query';
  readonly credential: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** The raw date: X-Amz-Date (header or query) or the HTTP `Date` header. */
  readonly date: string;
  readonly dateSource: 'x-amz-date' | 'date';
  /** Presigned URLs only: X-Amz-Expires, raw. */
  readonly expires?: string;
  readonly securityToken?: string;
  /** Presigned URLs only: X-Amz-Content-Sha256 hoisted into the query. */
  readonly queryContentSha256?: string;
}

export const headerValue = (headers: SigV4Request['headers'], name: string): string | undefined => {
  const value = headers[name];
  return value === undefined ? undefined : typeof value === 'string' ? value : value.join(',');
};

/** Decoded query parameters, first value wins (AWS reads the first occurrence). */
const queryParams = (query: string): Map<string, string> => {
  const params = new Map<string, string>();
  if (query.length === 0) return params;
  for (const { rawKey, rawValue } of splitRawQuery(query)) {
    const key = percentDecode(rawKey);
    if (key !== undefined && !params.has(key)) params.set(key, percentDecode(rawValue) ?? rawValue);
  }
  return params;
};

/**
 * `AWS4-HMAC-SHA256 Credential=AKID/20261122/us-east-1/acm-pca/aws4_request, SignedHeaders=host;x-amz-date, Signature=...`
 * Components are separated by commas and/or whitespace (AWS accepts either).
 */
const fromAuthorizationHeader = (authorization: string, req: SigV4Request): AuthParams | SigV4Failure => {
  const trimmed = authorization.trim();
  const [algorithm, ...rest] = trimmed.split(/\s+/);
  // A non-SigV4 scheme ("Basic ...", "Bearer ...") is, to AWS, no AWS credentials at all.
  if (!algorithm.startsWith('AWS4-')) return fail('MissingAuthenticationTokenException', SIGV4_MESSAGES.missingToken);
  if (algorithm !== ALGORITHM) return fail('IncompleteSignatureException', unsupportedAlgorithm(algorithm));
  const fields = new Map<string, string>();
  for (const component of rest.join(' ').split(/[,\s]+/)) {
    const eq = component.indexOf('=');
    if (eq > 0 && !fields.has(component.slice(0, eq))) fields.set(component.slice(0, eq), component.slice(eq + 1));
  }
  const amzDate = headerValue(req.headers, 'x-amz-date');
  const httpDate = headerValue(req.headers, 'date');
  // AWS lists every missing part in one message, then echoes the header.
  let problems = '';
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!fields.get(name)) problems += `Authorization header requires '${name}' parameter. `;
  }
  if (amzDate === undefined && httpDate === undefined) {
    problems += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (problems) return fail('IncompleteSignatureException', `${problems}Authorization=${authorization}`);
  return {
    form: 'header',
    credential: fields.get('Credential') as string,
    signedHeaders: (fields.get('SignedHeaders') as string).split(';'),
    signature: fields.get('Signature') as string,
    date: (amzDate ?? httpDate) as string,
    dateSource: amzDate !== undefined ? 'x-amz-date' : 'date',
    securityToken: headerValue(req.headers, 'x-amz-security-token'),
  };
};

/** Presigned URL: `?X-Amz-Algorithm=...&X-Amz-Credential=...&X-Amz-Date=...&X-Amz-SignedHeaders=...&X-Amz-Signature=...` */
const fromQuery = (params: Map<string, string>, req: SigV4Request): AuthParams | SigV4Failure => {
  const algorithm = params.get('X-Amz-Algorithm') as string;
  if (algorithm !== ALGORITHM) return fail('IncompleteSignatureException', unsupportedAlgorithm(algorithm));
  let problems = '';
  for (const name of ['X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date']) {
    if (!params.get(name)) problems += `AWS query-string parameters must include '${name}'. `;
  }
  if (problems) return fail('IncompleteSignatureException', `${problems}Re-examine the query-string parameters.`);
  return {
    form: 'query',
    credential: params.get('X-Amz-Credential') as string,
    signedHeaders: (params.get('X-Amz-SignedHeaders') as string).split(';'),
    signature: params.get('X-Amz-Signature') as string,
    date: params.get('X-Amz-Date') as string,
    dateSource: 'x-amz-date',
    expires: params.get('X-Amz-Expires'),
    securityToken: params.get('X-Amz-Security-Token') ?? headerValue(req.headers, 'x-amz-security-token'),
    queryContentSha256: params.get('X-Amz-Content-Sha256'),
  };
};

/** Finds the signature parameters; exactly one of the two forms must be present. */
export const readAuthParams = (req: SigV4Request): AuthParams | SigV4Failure => {
  const authorization = headerValue(req.headers, 'authorization');
  const params = queryParams(requestTarget(req).query);
  const presigned = params.has('X-Amz-Algorithm');
  if (authorization !== undefined && presigned) return fail('InvalidSignatureException', SIGV4_MESSAGES.bothAuthForms);
  if (authorization !== undefined) return fromAuthorizationHeader(authorization, req);
  if (presigned) return fromQuery(params, req);
  return fail('MissingAuthenticationTokenException', SIGV4_MESSAGES.missingToken);
};
