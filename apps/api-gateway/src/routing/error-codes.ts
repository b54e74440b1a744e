import type { ErrorKind, ServiceError } from '@pki/contracts';

/**
 * The only place a service error becomes an AWS error: the exception name the operation
 * models (when the service named one) or the generic one for its kind, and the HTTP status
 * awsJson1_1 services answer with (client errors 400, throttling/unavailability 5xx).
 */
const DEFAULT_CODES: Record<ErrorKind, { code: string; status: number }> = {
  NotFound: { code: 'ResourceNotFoundException', status: 400 },
  Conflict: { code: 'ConflictException', status: 400 },
  Forbidden: { code: 'AccessDeniedException', status: 400 },
  Malformed: { code: 'ValidationException', status: 400 },
  InvalidState: { code: 'InvalidStateException', status: 400 },
  LimitExceeded: { code: 'LimitExceededException', status: 400 },
  InProgress: { code: 'RequestInProgressException', status: 400 },
  Unavailable: { code: 'ServiceUnavailable', status: 503 },
  NotImplemented: { code: 'NotImplementedException', status: 501 },
  Internal: { code: 'InternalFailure', status: 500 },
};

export function jsonErrorFor(error: ServiceError): { code: string; status: number; message: string } {
  const fallback = DEFAULT_CODES[error.kind] ?? DEFAULT_CODES.Internal;
  const status = error.kind === 'Unavailable' || error.kind === 'Internal' || error.kind === 'NotImplemented' ? fallback.status : 400;
  return { code: error.code ?? fallback.code, status, message: error.message };
}
