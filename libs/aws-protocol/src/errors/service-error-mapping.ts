import type { ErrorKind, ServiceError } from '@pki/contracts';
import type { AwsError } from '../http/wire-response.types';
import { IOT_ERROR_STATUS } from '../rest-json/iot-error-status';

export type AwsProtocol = 'awsJson1_1' | 'restJson1';

/**
 * The exception a kind means when the service named none. awsJson1_1 (ACM PCA, Directory
 * Service): names AWS uses across JSON services. restJson1 (IoT): only names IoT models, so
 * the SDK raises its typed class.
 */
const DEFAULT_CODE: Record<AwsProtocol, Record<ErrorKind, string>> = {
  awsJson1_1: {
    NotFound: 'ResourceNotFoundException',
    Conflict: 'ConflictException',
    Forbidden: 'AccessDeniedException',
    Malformed: 'ValidationException',
    InvalidState: 'InvalidStateException',
    LimitExceeded: 'LimitExceededException',
    InProgress: 'RequestInProgressException',
    Unavailable: 'ServiceUnavailableException',
    NotImplemented: 'UnsupportedOperationException',
    Internal: 'InternalFailure',
  },
  restJson1: {
    NotFound: 'ResourceNotFoundException',
    Conflict: 'ResourceAlreadyExistsException',
    Forbidden: 'UnauthorizedException',
    Malformed: 'InvalidRequestException',
    // This platform's IoT surface is certificates: a certificate in the wrong status.
    InvalidState: 'CertificateStateException',
    LimitExceeded: 'LimitExceededException',
    // IoT models no "in progress"; 503 tells the SDK to retry, which is what the caller should do.
    InProgress: 'ServiceUnavailableException',
    Unavailable: 'ServiceUnavailableException',
    NotImplemented: 'InvalidRequestException',
    Internal: 'InternalFailureException',
  },
};

/**
 * awsJson1_1 carries no `@httpError` on ACM PCA's or Directory Service's exceptions, so
 * Smithy's default applies: 400 for client errors, 500 for server errors (`@error("server")`:
 * Directory Service `ServiceException`). 503 for unavailability, which the SDK retries.
 */
const AWS_JSON_SERVER_STATUS: Readonly<Record<string, number>> = {
  InternalFailure: 500,
  InternalFailureException: 500,
  InternalServerException: 500,
  InternalServerError: 500,
  ServiceException: 500,
  ServiceUnavailable: 503,
  ServiceUnavailableException: 503,
};

const KIND_STATUS: Record<ErrorKind, number> = {
  NotFound: 404,
  Conflict: 409,
  Forbidden: 403,
  Malformed: 400,
  InvalidState: 409,
  LimitExceeded: 400,
  InProgress: 503,
  Unavailable: 503,
  NotImplemented: 400,
  Internal: 500,
};

/** HTTP status of an exception name under a protocol. */
export const awsErrorStatus = (protocol: AwsProtocol, code: string, kind?: ErrorKind): number => {
  if (protocol === 'awsJson1_1') return AWS_JSON_SERVER_STATUS[code] ?? (kind === 'Internal' ? 500 : kind === 'Unavailable' ? 503 : 400);
  return IOT_ERROR_STATUS[code] ?? (kind ? KIND_STATUS[kind] : 400);
};

/** Maps a service's {@link ServiceError} to the AWS exception, message and status of the protocol. */
export const awsErrorFromServiceError = (error: ServiceError, protocol: AwsProtocol): AwsError => {
  const code = error.code ?? DEFAULT_CODE[protocol][error.kind];
  const status = awsErrorStatus(protocol, code, error.kind);
  // Members the exception shape models besides the message (IoT ResourceAlreadyExistsException
  // resourceId / resourceArn) travel into the error body.
  return error.fields ? { code, message: error.message, status, fields: error.fields } : { code, message: error.message, status };
};
