import { timingSafeEqual } from 'node:crypto';
import { readAuthParams, headerValue, type AuthParams } from './sigv4-auth-params';
import {
  canonicalRequest,
  EMPTY_SHA256,
  SCOPE_TERMINATOR,
  sha256Hex,
  signatureHex,
  stringToSign,
  UNSIGNED_PAYLOAD,
} from './sigv4-canonical';
import { cachedSigningKey } from './sigv4-signing-keys';
import {
  badDateFormat,
  credentialParts,
  fail,
  formatAmzDate,
  signatureExpired,
  signatureNotYetCurrent,
  SIGV4_MESSAGES,
} from './sigv4-messages';
import { requestTarget, type SigV4Failure, type SigV4Options, type SigV4Request, type SigV4Result } from './sigv4.types';

/** AWS's JSON services refuse requests signed more than 5 minutes from their clock. */
export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;
/** SigV4 presigned URLs live at most 7 days (X-Amz-Expires <= 604800). */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses the request time: X-Amz-Date in ISO 8601 basic format, or an HTTP `Date` (RFC 7231). */
const parseRequestTime = (params: AuthParams): { time: Date; amzDate: string } | undefined => {
  if (params.dateSource === 'date') {
    const ms = Date.parse(params.date);
    if (Number.isNaN(ms)) return undefined;
    const time = new Date(Math.floor(ms / 1000) * 1000);
    return { time, amzDate: formatAmzDate(time) };
  }
  const m = AMZ_DATE.exec(params.date);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  const time = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Reject dates that Date.UTC silently rolls over (20261332T...) or maps elsewhere (years 0000-0099 to 19xx).
  const exact =
    time.getUTCFullYear() === year &&
    time.getUTCMonth() === month - 1 &&
    time.getUTCDate() === day &&
    time.getUTCHours() === hour &&
    time.getUTCMinutes() === minute &&
    time.getUTCSeconds() === second;
  return exact ? { time, amzDate: params.date } : undefined;
};

/** Request time within the allowed window (header form) or the presigned URL not yet expired. */
const checkTime = (params: AuthParams, time: Date, now: Date, skewMs: number): SigV4Failure | undefined => {
  if (time.getTime() > now.getTime() + skewMs) {
    return fail('InvalidSignatureException', signatureNotYetCurrent(time, now, skewMs));
  }
  if (params.form === 'header') {
    return time.getTime() < now.getTime() - skewMs ? fail('InvalidSignatureException', signatureExpired(time, now, skewMs)) : undefined;
  }
  // Presigned: valid from X-Amz-Date for X-Amz-Expires seconds (default: the skew window).
  let lifetimeMs = skewMs;
  if (params.expires !== undefined) {
    const seconds = /^\d{1,7}$/.test(params.expires) ? Number(params.expires) : NaN;
    if (!(seconds >= 1 && seconds <= MAX_PRESIGNED_EXPIRES_SECONDS)) {
      return fail(
        'IncompleteSignatureException',
        `X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGNED_EXPIRES_SECONDS}, got '${params.expires}'.`,
      );
    }
    lifetimeMs = seconds * 1000;
  }
  return time.getTime() < now.getTime() - lifetimeMs ? fail('InvalidSignatureException', signatureExpired(time, now, lifetimeMs)) : undefined;
};

/**
 * Credential scope `date/region/service/aws4_request`: every mismatch is reported in one
 * message, as AWS does ("Credential should be scoped to a valid region, not 'c'. Credential
 * should be scoped to correct service: 'dynamodb'. ...").
 */
const checkScope = (
  scope: { date: string; region: string; service: string; terminator: string },
  amzDate: string,
  opts: SigV4Options,
): SigV4Failure | undefined => {
  const problems: string[] = [];
  const regions = opts.regions ?? [opts.region];
  if (scope.region !== opts.region && !regions.includes(scope.region)) problems.push(`Credential should be scoped to a valid region, not '${scope.region}'. `);
  if (!opts.allowedServices.includes(scope.service)) {
    problems.push(`Credential should be scoped to correct service: '${opts.allowedServices.join("' or '")}'. `);
  }
  if (scope.terminator !== SCOPE_TERMINATOR) {
    problems.push(`Credential should be scoped with a valid terminator: '${SCOPE_TERMINATOR}', not '${scope.terminator}'. `);
  }
  if (scope.date !== amzDate.slice(0, 8)) {
    problems.push(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'. `,
    );
  }
  return problems.length ? fail('InvalidSignatureException', problems.join('')) : undefined;
};

type PayloadHash = { kind: 'declared'; hash: string } | { kind: 'unsigned' } | { kind: 'computed'; hash: string };

/**
 * HashedPayload: the client's `x-amz-content-sha256` when sent (the SDK always sends it),
 * else SHA-256 of the body; for S3 presigned URLs `UNSIGNED-PAYLOAD`.
 */
const payloadHash = (req: SigV4Request, params: AuthParams, service: string): PayloadHash | SigV4Failure => {
  const declared = headerValue(req.headers, 'x-amz-content-sha256') ?? params.queryContentSha256;
  if (declared === undefined) {
    if (params.form === 'query' && service === 's3') return { kind: 'unsigned' };
    return { kind: 'computed', hash: req.body.length === 0 ? EMPTY_SHA256 : sha256Hex(req.body) };
  }
  if (declared === UNSIGNED_PAYLOAD) return { kind: 'unsigned' };
  if (/^[0-9a-f]{64}$/.test(declared)) return { kind: 'declared', hash: declared };
  return fail('InvalidSignatureException', SIGV4_MESSAGES.badContentHash);
};

const constantTimeEqualHex = (expected: string, provided: string): boolean => {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  // timingSafeEqual needs equal lengths; compare against itself to keep the work constant.
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
};

/**
 * Verifies an AWS Signature Version 4 request (Authorization header or presigned query).
 *
 * Checks, in the order AWS reports them: presence of credentials, completeness of the
 * signature parameters, date format, clock skew / expiry, `host` signed, credential scope
 * shape and contents, the access key, the session token, the signature (constant time),
 * and finally that a declared `x-amz-content-sha256` is the body's hash.
 */
export const verifySigV4 = (req: SigV4Request, opts: SigV4Options): SigV4Result => {
  const params = readAuthParams(req);
  if ('ok' in params) return params;

  const parsedTime = parseRequestTime(params);
  if (!parsedTime) return fail('IncompleteSignatureException', badDateFormat(params.date));
  const timeProblem = checkTime(params, parsedTime.time, opts.now(), opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS);
  if (timeProblem) return timeProblem;

  if (!params.signedHeaders.some((h) => h === 'host' || h === ':authority')) {
    return fail('InvalidSignatureException', SIGV4_MESSAGES.hostNotSigned);
  }

  const parts = params.credential.split('/');
  if (parts.length !== 5) return fail('IncompleteSignatureException', credentialParts(params.credential));
  const [accessKeyId, date, region, service, terminator] = parts;
  const scopeProblem = checkScope({ date, region, service, terminator }, parsedTime.amzDate, opts);
  if (scopeProblem) return scopeProblem;

  const credentials = opts.credentials(accessKeyId);
  if (!credentials) return fail('UnrecognizedClientException', SIGV4_MESSAGES.unrecognizedClient);
  // Long-term keys carry no token; a token the gateway never issued is "invalid" too.
  if ((credentials.sessionToken ?? undefined) !== (params.securityToken ?? undefined)) {
    return fail('UnrecognizedClientException', SIGV4_MESSAGES.unrecognizedClient);
  }

  const hash = payloadHash(req, params, service);
  if ('ok' in hash) return hash;
  if (hash.kind === 'unsigned' && opts.allowUnsignedPayload === false && service !== 's3') {
    return fail('InvalidSignatureException', SIGV4_MESSAGES.unsignedPayloadRefused);
  }

  const canonical = canonicalRequest({
    method: req.method,
    ...requestTarget(req),
    headers: req.headers,
    signedHeaders: params.signedHeaders,
    payloadHash: hash.kind === 'unsigned' ? UNSIGNED_PAYLOAD : hash.hash,
    service,
  });
  const scope = parts.slice(1).join('/');
  const expected = signatureHex(
    cachedSigningKey(accessKeyId, credentials.secretAccessKey, date, region, service),
    stringToSign(parsedTime.amzDate, scope, canonical),
  );
  if (!constantTimeEqualHex(expected, params.signature)) {
    return fail('InvalidSignatureException', SIGV4_MESSAGES.signatureMismatch);
  }
  // The signature covers the declared hash, not the bytes: check the bytes match it.
  if (hash.kind === 'declared' && hash.hash !== sha256Hex(req.body)) {
    return fail('InvalidSignatureException', SIGV4_MESSAGES.contentHashMismatch);
  }
  return { ok: true, accessKeyId, accountId: credentials.accountId, service, region };
};
