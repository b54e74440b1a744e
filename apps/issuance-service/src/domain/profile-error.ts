/**
 * Why a certificate profile cannot be built. Each rule names the AWS exception the
 * IssueCertificate handler answers with, so the handler maps without re-deciding:
 * `new DomainError(error.kind, error.message, error.code)` (libs/contracts errors.ts).
 */
import type { ErrorKind, ServiceError } from '@pki/contracts';

export type ProfileRule =
  | 'VALIDITY_MALFORMED'
  | 'VALIDITY_TOO_SHORT'
  | 'VALIDITY_NOT_BEFORE_TYPE'
  | 'VALIDITY_NOT_BEFORE_AFTER_NOT_AFTER'
  | 'VALIDITY_BEYOND_CA'
  | 'VALIDITY_SHORT_LIVED_CAP'
  | 'PATH_LENGTH_EXCEEDS_CA'
  | 'SELF_SIGNED_TEMPLATE_FOR_OTHER_KEY'
  | 'API_PASSTHROUGH_NOT_ALLOWED'
  | 'API_PASSTHROUGH_INVALID'
  | 'API_PASSTHROUGH_DUPLICATE_EXTENSION'
  | 'SUBJECT_OR_SAN_REQUIRED';

export type ProfileExceptionCode = 'InvalidArgsException' | 'ValidationException' | 'MalformedCSRException';

export interface ProfileError extends ServiceError {
  readonly rule: ProfileRule;
  readonly kind: ErrorKind;
  readonly code: ProfileExceptionCode;
  readonly message: string;
}

/**
 * The exception per rule. ValidationException for a validity past the CA's is what AWS's
 * exception table says ("the validity period of the root certificate ends before the validity
 * period of the requested certificate", User Guide PCATsExceptions); the 7-day short-lived cap
 * is the same kind of limit, so it answers the same. A CSR with neither subject nor SAN is
 * MalformedCSRException (IssueCertificate Csr: "the request will be rejected"). Everything else
 * is a bad argument to IssueCertificate (InvalidArgsException).
 */
const CODES: Record<ProfileRule, ProfileExceptionCode> = {
  VALIDITY_MALFORMED: 'InvalidArgsException',
  VALIDITY_TOO_SHORT: 'InvalidArgsException',
  VALIDITY_NOT_BEFORE_TYPE: 'InvalidArgsException',
  VALIDITY_NOT_BEFORE_AFTER_NOT_AFTER: 'InvalidArgsException',
  VALIDITY_BEYOND_CA: 'ValidationException',
  VALIDITY_SHORT_LIVED_CAP: 'ValidationException',
  PATH_LENGTH_EXCEEDS_CA: 'InvalidArgsException',
  SELF_SIGNED_TEMPLATE_FOR_OTHER_KEY: 'InvalidArgsException',
  API_PASSTHROUGH_NOT_ALLOWED: 'InvalidArgsException',
  API_PASSTHROUGH_INVALID: 'InvalidArgsException',
  API_PASSTHROUGH_DUPLICATE_EXTENSION: 'InvalidArgsException',
  SUBJECT_OR_SAN_REQUIRED: 'MalformedCSRException',
};

export function profileError(rule: ProfileRule, message: string): ProfileError {
  return { rule, kind: 'Malformed', code: CODES[rule], message };
}

/** Thrown inside the profile builder and caught at its boundary; never escapes buildProfile. */
export class ProfileFailure extends Error {
  constructor(
    readonly error: ProfileError,
    options?: { cause?: unknown },
  ) {
    super(error.message, options);
    this.name = 'ProfileFailure';
  }
}

export function fail(rule: ProfileRule, message: string, cause?: unknown): never {
  throw new ProfileFailure(profileError(rule, message), cause === undefined ? undefined : { cause });
}
