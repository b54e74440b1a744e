import { randomUUID } from 'node:crypto';
import type { AwsError, WireResponse } from '../http/wire-response.types';
import { toWireJson } from '../serde/json-value.serde';

export const AWS_JSON_1_1_CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface AwsJsonErrorOptions {
  /** Echoed in `x-amzn-RequestId` (the SDK's `$metadata.requestId`); a UUID when absent. */
  readonly requestId?: string;
  /**
   * Member carrying the message. ACM PCA's exceptions model `message`; Directory Service's
   * model `Message` (plus `RequestId`). The SDK reads either (`message ?? Message`).
   */
  readonly messageKey?: 'message' | 'Message';
  /** Further members of the exception shape. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * An awsJson1_1 error as AWS's JSON services send it (Smithy awsJson1_1 "Operation error
 * serialization"): the status, `Content-Type: application/x-amz-json-1.1`, the error name in
 * both the body's `__type` and the `x-amzn-ErrorType` header, and the message in the body.
 *
 * The SDK takes the code from `__type` first (schema-based clients: `loadJsonRpcErrorCode`
 * order type, code, header), or from the header first (ACM PCA 3.523: `loadRestJsonErrorCode`),
 * and strips anything after `:` and before `#` - so a bare name satisfies every version.
 */
export const awsJsonErrorResponse = (code: string, message: string, status: number, options: AwsJsonErrorOptions = {}): WireResponse => {
  const requestId = options.requestId ?? randomUUID();
  const body = { ...(toWireJson(options.fields ?? {}) as object), __type: code, [options.messageKey ?? 'message']: message };
  return {
    status,
    headers: {
      'Content-Type': AWS_JSON_1_1_CONTENT_TYPE,
      'x-amzn-ErrorType': code,
      'x-amzn-RequestId': requestId,
    },
    body: JSON.stringify(body),
  };
};

/** Same, from an {@link AwsError}. */
export const awsJsonError = (error: AwsError, options: Omit<AwsJsonErrorOptions, 'fields'> = {}): WireResponse =>
  awsJsonErrorResponse(error.code, error.message, error.status, { ...options, fields: error.fields });

/** A 200 with the operation output as the JSON body (Dates -> epoch seconds, bytes -> base64). */
export const awsJsonSuccess = (body: unknown = {}, options: { requestId?: string } = {}): WireResponse => ({
  status: 200,
  headers: { 'Content-Type': AWS_JSON_1_1_CONTENT_TYPE, 'x-amzn-RequestId': options.requestId ?? randomUUID() },
  body: JSON.stringify(toWireJson(body ?? {})),
});

/**
 * An `X-Amz-Target` naming no operation of the service (or missing). AWS's Coral front end
 * answers 400 with `{"__type":"com.amazon.coral.service#UnknownOperationException"}` and no
 * message (as recorded from DynamoDB by dynalite); the SDK strips the namespace.
 */
export const UNKNOWN_OPERATION_ERROR: AwsError = { code: 'UnknownOperationException', message: '', status: 400 };

export const awsJsonUnknownOperation = (options: { requestId?: string } = {}): WireResponse => {
  const requestId = options.requestId ?? randomUUID();
  return {
    status: 400,
    headers: { 'Content-Type': AWS_JSON_1_1_CONTENT_TYPE, 'x-amzn-ErrorType': 'UnknownOperationException', 'x-amzn-RequestId': requestId },
    body: JSON.stringify({ __type: 'com.amazon.coral.service#UnknownOperationException' }),
  };
};
