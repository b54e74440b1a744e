// Public surface of @pki/aws-protocol: pure AWS wire-protocol code (plain data in, plain data out).

// SigV4 (AWS Signature Version 4) verification
export { verifySigV4, DEFAULT_MAX_SKEW_MS, MAX_PRESIGNED_EXPIRES_SECONDS } from './sigv4/sigv4-verify';
export { SIGV4_MESSAGES } from './sigv4/sigv4-messages';
export { canonicalRequest, canonicalUri, canonicalQuery, canonicalHeaders } from './sigv4/sigv4-canonical';
export type {
  SigV4Request,
  SigV4Options,
  SigV4Credentials,
  SigV4Result,
  SigV4Success,
  SigV4Failure,
  SigV4ErrorCode,
} from './sigv4/sigv4.types';

// HTTP plumbing
export type { WireResponse, AwsError } from './http/wire-response.types';
export { MAX_REQUEST_BODY_BYTES, requestTooLargeError } from './http/body-limit';
export { parseQueryString } from './http/query-string';

// awsJson1_1 (ACM PCA, Directory Service)
export { parseAwsJsonTarget, type AwsJsonTarget } from './aws-json/aws-json-target';
export {
  AWS_JSON_1_1_CONTENT_TYPE,
  awsJsonErrorResponse,
  awsJsonError,
  awsJsonSuccess,
  awsJsonUnknownOperation,
  UNKNOWN_OPERATION_ERROR,
  type AwsJsonErrorOptions,
} from './aws-json/aws-json-response';
export { parseAwsJsonBody } from './aws-json/aws-json-body';

// restJson1 (IoT)
export { REST_JSON_CONTENT_TYPE, restJsonErrorResponse, restJsonError, restJsonSuccess } from './rest-json/rest-json-response';
export { matchRoute, type RestRoute, type RouteMatch } from './rest-json/rest-json-router';
export { IOT_ERROR_STATUS } from './rest-json/iot-error-status';

// ServiceError -> AWS exception
export { awsErrorFromServiceError, awsErrorStatus, type AwsProtocol } from './errors/service-error-mapping';

// Serialization helpers
export { toEpochSeconds, fromEpochSeconds, toDateTime, toHttpDate } from './serde/timestamp.serde';
export { toBase64, fromBase64, isBase64 } from './serde/blob.serde';
export { toWireJson } from './serde/json-value.serde';

// Input validation (Smithy constraint traits, AWS ValidationException wording)
export { S } from './validation/shape.dsl';
export type {
  Shape,
  Infer,
  StringShape,
  NumberShape,
  BooleanShape,
  BlobShape,
  TimestampShape,
  DocumentShape,
  ListShape,
  MapShape,
  StructureShape,
} from './validation/shape.dsl';
export { validate } from './validation/validate';
export { checkTypes } from './validation/type-check';
export { validationMessage } from './validation/validation-format';
export { validateRequest, type RequestCheck } from './validation/validate-request';
