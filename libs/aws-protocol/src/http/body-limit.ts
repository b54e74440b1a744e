import type { AwsError } from './wire-response.types';

/** Largest request body the gateway reads; larger bodies are refused before parsing or signing checks. */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/**
 * The error for an oversized body. AWS's JSON front ends answer HTTP 413; where a service
 * models the case it is `RequestEntityTooLargeException` (AWS Lambda, a restJson1 service,
 * models exactly this name with `@httpError(413)`: "... byte payload is too large for the
 * ... (limit ... bytes)"). ACM PCA, Directory Service and IoT model no such exception, so
 * the SDK raises its service base exception carrying this name, message and status 413.
 */
export const requestTooLargeError = (limitBytes: number = MAX_REQUEST_BODY_BYTES): AwsError => ({
  code: 'RequestEntityTooLargeException',
  message: `Request payload is too large (limit ${limitBytes} bytes)`,
  status: 413,
});
