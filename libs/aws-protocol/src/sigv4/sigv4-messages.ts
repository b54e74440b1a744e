import type { SigV4ErrorCode, SigV4Failure } from './sigv4.types';

/**
 * AWS's own wording for authentication failures, as AWS's JSON services (the Coral
 * framework) answer them. Sources: responses recorded by emulators built against the real
 * services (dynalite, scratchstack-aws-signature) and messages quoted in user reports.
 */
export const SIGV4_MESSAGES = {
  /** API Gateway's wording; Coral services say "Request is missing Authentication Token". */
  missingToken: 'Missing Authentication Token',
  unrecognizedClient: 'The security token included in the request is invalid.',
  signatureMismatch:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  bothAuthForms: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
  hostNotSigned: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
  contentHashMismatch: "The provided 'x-amz-content-sha256' header does not match what was computed.",
  unsignedPayloadRefused: "UNSIGNED-PAYLOAD is not accepted for this service; sign the payload's SHA-256.",
  badContentHash: 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a valid sha256 value.',
} as const;

export const fail = (code: SigV4ErrorCode, message: string): SigV4Failure => ({ ok: false, status: 403, code, message });

/** `20261122T060000Z`, the ISO 8601 basic format SigV4 uses for X-Amz-Date. */
export const formatAmzDate = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');

/** AWS prints the allowed window as "5 min." when whole minutes, otherwise seconds. */
const formatWindow = (ms: number): string => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.floor(ms / 1000)} sec`);

/** "Signature expired: 20261122T060000Z is now earlier than 20261122T060500Z (20261122T061000Z - 5 min.)" */
export const signatureExpired = (requestTime: Date, now: Date, windowMs: number): string =>
  `Signature expired: ${formatAmzDate(requestTime)} is now earlier than ${formatAmzDate(new Date(now.getTime() - windowMs))} (${formatAmzDate(now)} - ${formatWindow(windowMs)}.)`;

/** "Signature not yet current: 20261122T062000Z is still later than 20261122T061500Z (20261122T061000Z + 5 min.)" */
export const signatureNotYetCurrent = (requestTime: Date, now: Date, windowMs: number): string =>
  `Signature not yet current: ${formatAmzDate(requestTime)} is still later than ${formatAmzDate(new Date(now.getTime() + windowMs))} (${formatAmzDate(now)} + ${formatWindow(windowMs)}.)`;

export const badDateFormat = (value: string): string =>
  `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`;

export const unsupportedAlgorithm = (algorithm: string): string =>
  `Unsupported AWS 'algorithm': '${algorithm}' (only AWS4-HMAC-SHA256 for now). `;

export const credentialParts = (credential: string): string =>
  `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`;
