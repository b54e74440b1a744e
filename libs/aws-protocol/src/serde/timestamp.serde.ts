/**
 * Smithy timestamps. awsJson1_1 and restJson1 bodies default to `epoch-seconds`: a JSON
 * number of seconds since the Unix epoch, fractional for sub-second precision (Smithy
 * `@timestampFormat`; the SDK reads them with `parseEpochTimestamp(expectNumber(_))`).
 */

/** Date -> epoch seconds, millisecond precision kept as a fraction (1700000000.123). */
export const toEpochSeconds = (date: Date): number => date.getTime() / 1000;

/** Epoch seconds (a JSON number) -> Date; undefined for anything else (strings are not coerced). */
export const fromEpochSeconds = (value: unknown): Date | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? new Date(Math.round(value * 1000)) : undefined;

/** `date-time` format (RFC 3339, used for restJson1 query parameters): second precision unless sub-second. */
export const toDateTime = (date: Date): string => date.toISOString().replace('.000Z', 'Z');

/** `http-date` format (RFC 7231 IMF-fixdate, used for restJson1 headers). */
export const toHttpDate = (date: Date): string => date.toUTCString();
