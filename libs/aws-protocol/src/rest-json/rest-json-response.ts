import { randomUUID } from 'node:crypto';
import type { AwsError, WireResponse } from '../http/wire-response.types';
import { toWireJson } from '../serde/json-value.serde';

export const REST_JSON_CONTENT_TYPE = 'application/json';

/**
 * A restJson1 error (Smithy aws.protocols#restJson1 "Operation error serialization"): the
 * status from the exception's `@httpError`, the name in the `X-Amzn-Errortype` header, and
 * the exception's members as the JSON body - `{"message": "..."}` plus any others (IoT's
 * `ResourceAlreadyExistsException` also has `resourceId`, `resourceArn`).
 *
 * @aws-sdk/client-iot resolves the code from the header first, then the body's `code`,
 * then `__type` (`loadRestJsonErrorCode`), so the header alone selects the typed class;
 * `message` (or `Message`) in the body becomes `error.message`.
 */
export const restJsonErrorResponse = (
  code: string,
  message: string,
  status: number,
  options: { readonly requestId?: string; readonly fields?: Readonly<Record<string, unknown>> } = {},
): WireResponse => ({
  status,
  headers: {
    'Content-Type': REST_JSON_CONTENT_TYPE,
    'x-amzn-ErrorType': code,
    'x-amzn-RequestId': options.requestId ?? randomUUID(),
  },
  body: JSON.stringify({ ...(toWireJson(options.fields ?? {}) as object), message }),
});

export const restJsonError = (error: AwsError, options: { readonly requestId?: string } = {}): WireResponse =>
  restJsonErrorResponse(error.code, error.message, error.status, { ...options, fields: error.fields });

/** A success with the output members bound to the body (Smithy `@httpCode` defaults to 200). */
export const restJsonSuccess = (body: unknown = {}, options: { readonly status?: number; readonly requestId?: string } = {}): WireResponse => ({
  status: options.status ?? 200,
  headers: { 'Content-Type': REST_JSON_CONTENT_TYPE, 'x-amzn-RequestId': options.requestId ?? randomUUID() },
  body: JSON.stringify(toWireJson(body ?? {})),
});
