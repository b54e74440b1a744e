/**
 * AWS exceptions as gRPC statuses (issue #16): the status code a gRPC client branches on, the
 * AWS message as the status message, and a `google.rpc.Status` in the `grpc-status-details-bin`
 * trailer whose one detail is a `google.rpc.ErrorInfo` with `reason` = the AWS exception name
 * (what `error.name` is for an SDK caller), `domain` = the API's endpoint name, and `metadata`
 * holding the request id and the exception's further members (e.g. IoT's resourceArn).
 *
 * The code table follows the issue and AIP-193; an exception the table does not name falls back
 * on its HTTP status (4xx client error, 5xx server error), so a new exception is never answered
 * as OK or UNKNOWN.
 */
import { status as Status } from '@grpc/grpc-js';
import type { AwsError } from '@pki/aws-protocol';

/** `type.googleapis.com/google.rpc.ErrorInfo`: the Any type URL every gRPC client library knows. */
export const ERROR_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ErrorInfo';
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/** Exact names first; the patterns below cover the rest of each family. */
const BY_NAME: Readonly<Record<string, Status>> = {
  ResourceNotFoundException: Status.NOT_FOUND,
  CertificateDoesNotExistException: Status.NOT_FOUND,
  DirectoryDoesNotExistException: Status.NOT_FOUND,
  EntityDoesNotExistException: Status.NOT_FOUND,
  InvalidStateException: Status.FAILED_PRECONDITION,
  RequestInProgressException: Status.FAILED_PRECONDITION,
  RequestFailedException: Status.FAILED_PRECONDITION,
  RequestAlreadyProcessedException: Status.FAILED_PRECONDITION,
  LockoutPreventedException: Status.FAILED_PRECONDITION,
  CertificateStateException: Status.FAILED_PRECONDITION,
  CertificateInUseException: Status.FAILED_PRECONDITION,
  InvalidClientAuthStatusException: Status.FAILED_PRECONDITION,
  InvalidLDAPSStatusException: Status.FAILED_PRECONDITION,
  // Directory Service client faults (HTTP 400) that directory-certs raises for a directory in the
  // wrong state (DomainError InvalidState or Conflict): not an authorization failure, and not
  // UNAVAILABLE either, which gRPC clients retry as a server fault.
  DirectoryUnavailableException: Status.FAILED_PRECONDITION,
  ClientException: Status.FAILED_PRECONDITION,
  NoAvailableCertificateException: Status.FAILED_PRECONDITION,
  DeleteConflictException: Status.FAILED_PRECONDITION,
  TransferAlreadyCompletedException: Status.FAILED_PRECONDITION,
  TransferConflictException: Status.FAILED_PRECONDITION,
  ValidationException: Status.INVALID_ARGUMENT,
  InvalidArgsException: Status.INVALID_ARGUMENT,
  InvalidRequestException: Status.INVALID_ARGUMENT,
  InvalidParameterException: Status.INVALID_ARGUMENT,
  CertificateValidationException: Status.INVALID_ARGUMENT,
  RegistrationCodeValidationException: Status.INVALID_ARGUMENT,
  SerializationException: Status.INVALID_ARGUMENT,
  LimitExceededException: Status.RESOURCE_EXHAUSTED,
  ThrottlingException: Status.RESOURCE_EXHAUSTED,
  TooManyTagsException: Status.RESOURCE_EXHAUSTED,
  CertificateLimitExceededException: Status.RESOURCE_EXHAUSTED,
  RequestEntityTooLarge: Status.RESOURCE_EXHAUSTED,
  AccessDeniedException: Status.PERMISSION_DENIED,
  UnauthorizedException: Status.PERMISSION_DENIED,
  // AWS's name for credentials it does not recognize; the gRPC front's refusal of a client certificate.
  UnrecognizedClientException: Status.UNAUTHENTICATED,
  // AWS's refusal of a credential scope (a wrong region on HTTP); on gRPC, an x-amz-region this deployment does not answer (grpc-region.ts).
  InvalidSignatureException: Status.UNAUTHENTICATED,
  ConcurrentModificationException: Status.ABORTED,
  VersionConflictException: Status.ABORTED,
  ResourceAlreadyExistsException: Status.ALREADY_EXISTS,
  CertificateAlreadyExistsException: Status.ALREADY_EXISTS,
  CertificateConflictException: Status.ALREADY_EXISTS,
  EntityAlreadyExistsException: Status.ALREADY_EXISTS,
  PermissionAlreadyExistsException: Status.ALREADY_EXISTS,
  ConflictException: Status.ALREADY_EXISTS,
  ServiceUnavailableException: Status.UNAVAILABLE,
  ServiceUnavailable: Status.UNAVAILABLE,
  UnsupportedOperationException: Status.UNIMPLEMENTED,
  UnknownOperationException: Status.UNIMPLEMENTED,
  InternalFailure: Status.INTERNAL,
  InternalFailureException: Status.INTERNAL,
  InternalServerException: Status.INTERNAL,
  ServiceException: Status.INTERNAL,
  DeadlineExceeded: Status.DEADLINE_EXCEEDED,
  Cancelled: Status.CANCELLED,
};

const BY_PATTERN: ReadonlyArray<readonly [RegExp, Status]> = [
  [/^Malformed/, Status.INVALID_ARGUMENT],
  [/^Invalid.*(Arn|Args|Arguments|Policy|Request|Tag|NextToken|Parameter|Input)/, Status.INVALID_ARGUMENT],
  [/DoesNotExist|NotFound/, Status.NOT_FOUND],
  [/AlreadyExists/, Status.ALREADY_EXISTS],
  [/LimitExceeded|Throttl/, Status.RESOURCE_EXHAUSTED],
];

const BY_HTTP_STATUS = (status: number): Status => {
  if (status === 400) return Status.INVALID_ARGUMENT;
  if (status === 401) return Status.UNAUTHENTICATED;
  if (status === 403) return Status.PERMISSION_DENIED;
  if (status === 404) return Status.NOT_FOUND;
  if (status === 409) return Status.ABORTED;
  if (status === 413 || status === 429) return Status.RESOURCE_EXHAUSTED;
  if (status === 501) return Status.UNIMPLEMENTED;
  if (status === 503) return Status.UNAVAILABLE;
  if (status >= 400 && status < 500) return Status.FAILED_PRECONDITION;
  return Status.INTERNAL;
};

/** The gRPC status code for an AWS exception. */
export function grpcCodeFor(error: Pick<AwsError, 'code' | 'status'>): Status {
  if (Object.hasOwn(BY_NAME, error.code)) return BY_NAME[error.code]!;
  for (const [pattern, code] of BY_PATTERN) if (pattern.test(error.code)) return code;
  return BY_HTTP_STATUS(error.status);
}

// ---- protobuf wire encoding of google.rpc.Status / google.protobuf.Any / google.rpc.ErrorInfo ----
// Three small, frozen messages: written by hand rather than pulling a protobuf runtime into the hot path.

function varint(value: number): Buffer {
  const out: number[] = [];
  let v = value >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

const lengthDelimited = (field: number, bytes: Buffer): Buffer => Buffer.concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
const stringField = (field: number, text: string): Buffer => lengthDelimited(field, Buffer.from(text, 'utf8'));

/** `google.rpc.ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }` */
export function encodeErrorInfo(reason: string, domain: string, metadata: Readonly<Record<string, string>>): Buffer {
  const entries = Object.entries(metadata).map(([key, value]) => lengthDelimited(3, Buffer.concat([stringField(1, key), stringField(2, value)])));
  return Buffer.concat([stringField(1, reason), stringField(2, domain), ...entries]);
}

/** `google.rpc.Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }` */
export function encodeStatus(code: number, message: string, details: ReadonlyArray<{ typeUrl: string; value: Buffer }>): Buffer {
  const parts = [Buffer.concat([varint(1 << 3), varint(code)]), stringField(2, message)];
  for (const detail of details) parts.push(lengthDelimited(3, Buffer.concat([stringField(1, detail.typeUrl), lengthDelimited(2, detail.value)])));
  return Buffer.concat(parts);
}

export interface GrpcFailure {
  readonly code: Status;
  readonly details: string;
  /** The encoded google.rpc.Status for the `grpc-status-details-bin` trailer. */
  readonly statusDetails: Buffer;
}

/** ErrorInfo metadata values are strings: the exception's further members, JSON-encoded when not strings. */
const metadataOf = (error: AwsError, requestId: string): Record<string, string> => {
  const metadata: Record<string, string> = { requestId };
  for (const [key, value] of Object.entries(error.fields ?? {})) {
    if (value === undefined || key === 'RequestId') continue;
    metadata[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return metadata;
};

/** The gRPC failure for an AWS exception of `domain` (e.g. `acm-pca.amazonaws.com`). */
export function grpcFailure(error: AwsError, domain: string, requestId: string): GrpcFailure {
  const code = grpcCodeFor(error);
  const info = encodeErrorInfo(error.code, domain, metadataOf(error, requestId));
  return { code, details: error.message, statusDetails: encodeStatus(code, error.message, [{ typeUrl: ERROR_INFO_TYPE_URL, value: info }]) };
}
