/**
 * IssueCertificate Validity and ValidityNotBefore (AWS API reference, API_Validity) turned into
 * notBefore / notAfter. Pure: `now` is the issuance time the caller injects. Results are whole
 * seconds, as the certificate stores them (RFC 5280 §4.1.2.5), so what is recorded before
 * signing is exactly what gets signed.
 */
import { fail } from './profile-error';

export type ValidityPeriodType = 'END_DATE' | 'ABSOLUTE' | 'DAYS' | 'MONTHS' | 'YEARS';

/** AWS Validity: Value is a PositiveLong interpreted by Type. */
export interface Validity {
  readonly Type: ValidityPeriodType;
  readonly Value: number;
}

const SECOND = 1000;
const DAY = 24 * 3600 * SECOND;
/** ValidityNotBefore: "By default ... the issuance time minus 60 minutes". */
export const DEFAULT_BACKDATE_MS = 60 * 60 * SECOND;
/** RFC 5280 §4.1.2.5 times: UTCTime reaches back to 1950, GeneralizedTime forward to 9999. */
const MIN_TIME = Date.UTC(1950, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59);

const wholeSeconds = (ms: number): Date => new Date(Math.floor(ms / SECOND) * SECOND);

function checkValue(validity: Validity, what: string): number {
  const { Value } = validity;
  if (typeof Value !== 'number' || !Number.isSafeInteger(Value) || Value < 1) {
    fail('VALIDITY_MALFORMED', `${what}.Value must be a positive integer, got ${JSON.stringify(Value)}`);
  }
  return Value;
}

function checkRange(ms: number, what: string): Date {
  if (!Number.isFinite(ms) || ms < MIN_TIME || ms > MAX_TIME) fail('VALIDITY_MALFORMED', `${what} falls outside 1950..9999`);
  return wholeSeconds(ms);
}

/**
 * END_DATE: "UTCTime (YYMMDDHHMMSS) or GeneralizedTime (YYYYMMDDHHMMSS) ... When UTCTime is used,
 * if the year field (YY) is greater than or equal to 50, the year is interpreted as 19YY. If the
 * year field is less than 50, the year is interpreted as 20YY." Value travels as a number, so a
 * UTCTime for 2000-2009 loses its leading zeros (050101000000 arrives as 50101000000): any value
 * of at most 12 digits is read as UTCTime, 14 digits as GeneralizedTime, anything else is refused.
 */
export function parseEndDate(value: number, what = 'Validity'): Date {
  const digits = String(value);
  let text: string;
  let year: number;
  if (digits.length <= 12) {
    text = digits.padStart(12, '0');
    const yy = Number(text.slice(0, 2));
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    text = text.slice(2);
  } else if (digits.length === 14) {
    year = Number(digits.slice(0, 4));
    text = digits.slice(4);
  } else {
    fail('VALIDITY_MALFORMED', `${what} END_DATE ${digits} is neither YYMMDDHHMMSS nor YYYYMMDDHHMMSS`);
  }
  const [month, day, hour, minute, second] = [0, 2, 4, 6, 8].map((i) => Number(text.slice(i, i + 2)));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(ms);
  // Date.UTC rolls over out-of-range fields (month 13, Feb 30); a real calendar date round-trips.
  const exact =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day &&
    date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
  if (!exact || year < 1950) fail('VALIDITY_MALFORMED', `${what} END_DATE ${digits} is not a valid date and time`);
  return checkRange(ms, what);
}

/**
 * Calendar months/years added in UTC, clamping the day to the target month's last day
 * (Jan 31 + 1 month = Feb 28/29, Feb 29 + 1 year = Feb 28), as java.time's plusMonths does,
 * rather than rolling into the next month as Date#setUTCMonth would.
 */
export function addMonths(from: Date, months: number): Date {
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(from.getUTCDate(), lastDay);
  return new Date(Date.UTC(year, month, day, from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds()));
}

/** The certificate's notAfter from IssueCertificate Validity ("sets the Not After date"). */
export function resolveNotAfter(validity: Validity, now: Date): Date {
  const value = checkValue(validity, 'Validity');
  const base = wholeSeconds(now.getTime());
  switch (validity.Type) {
    case 'END_DATE':
      return parseEndDate(value);
    case 'ABSOLUTE':
      return checkRange(value * SECOND, 'Validity ABSOLUTE');
    case 'DAYS':
      return checkRange(base.getTime() + value * DAY, 'Validity DAYS');
    case 'MONTHS':
      if (value > 12 * 8000) fail('VALIDITY_MALFORMED', 'Validity MONTHS falls outside 1950..9999');
      return checkRange(addMonths(base, value).getTime(), 'Validity MONTHS');
    case 'YEARS':
      if (value > 8000) fail('VALIDITY_MALFORMED', 'Validity YEARS falls outside 1950..9999');
      return checkRange(addMonths(base, value * 12).getTime(), 'Validity YEARS');
    default: {
      const _exhaustive: never = validity.Type;
      return fail('VALIDITY_MALFORMED', `unknown Validity.Type ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/**
 * The certificate's notBefore: ValidityNotBefore "is expressed as an explicit date and time,
 * using the Validity type value ABSOLUTE"; absent, the issuance time minus 60 minutes.
 */
export function resolveNotBefore(validityNotBefore: Validity | undefined, now: Date): Date {
  if (validityNotBefore === undefined) return wholeSeconds(now.getTime() - DEFAULT_BACKDATE_MS);
  if (validityNotBefore.Type !== 'ABSOLUTE') {
    fail('VALIDITY_NOT_BEFORE_TYPE', `ValidityNotBefore.Type must be ABSOLUTE, got ${JSON.stringify(validityNotBefore.Type)}`);
  }
  return checkRange(checkValue(validityNotBefore, 'ValidityNotBefore') * SECOND, 'ValidityNotBefore');
}

export interface ValidityLimits {
  /** The earliest notAfter of the issuing CA's certificate and its chain; undefined while a root issues its own certificate. */
  readonly caNotAfter: Date | undefined;
  readonly shortLived: boolean;
}

/** Seven days: "a CA that exclusively issues certificates with a maximum validity period of seven days". */
export const SHORT_LIVED_MAX_MS = 7 * DAY;

/**
 * Validity and ValidityNotBefore resolved and checked:
 * - "The minimum validity for a certificate using absolute time (ABSOLUTE or END_DATE) is one
 *   second": notAfter at least one second after issuance (relative types are >= 1 day by Value >= 1).
 * - notBefore before notAfter (RFC 5280 §4.1.2.5).
 * - "The end of the validity period ... must not exceed the limit set on its parents".
 * - Short-lived CAs: notAfter at most 7 days after issuance, and when the caller sets
 *   ValidityNotBefore, at most 7 days after it too. The default 60-minute backdating is a clock
 *   skew allowance and does not count, or Validity DAYS=7 could never be issued.
 */
export function resolveValidity(
  input: { validity: Validity; validityNotBefore?: Validity; now: Date },
  limits: ValidityLimits,
): { notBefore: Date; notAfter: Date } {
  const notAfter = resolveNotAfter(input.validity, input.now);
  const notBefore = resolveNotBefore(input.validityNotBefore, input.now);
  const issuedAt = wholeSeconds(input.now.getTime()).getTime();
  if (notAfter.getTime() < issuedAt + SECOND) {
    fail('VALIDITY_TOO_SHORT', `Validity ends at ${notAfter.toISOString()}, less than one second after issuance at ${new Date(issuedAt).toISOString()}`);
  }
  if (notBefore.getTime() >= notAfter.getTime()) {
    fail('VALIDITY_NOT_BEFORE_AFTER_NOT_AFTER', `ValidityNotBefore ${notBefore.toISOString()} is not before the end of validity ${notAfter.toISOString()}`);
  }
  if (limits.caNotAfter && notAfter.getTime() > limits.caNotAfter.getTime()) {
    fail('VALIDITY_BEYOND_CA', `The validity period of the CA certificate (or of a CA certificate above it) ends (${limits.caNotAfter.toISOString()}) before the requested certificate's (${notAfter.toISOString()})`);
  }
  if (limits.shortLived) {
    const start = input.validityNotBefore === undefined ? issuedAt : Math.min(issuedAt, notBefore.getTime());
    if (notAfter.getTime() - start > SHORT_LIVED_MAX_MS) {
      fail('VALIDITY_SHORT_LIVED_CAP', `A SHORT_LIVED_CERTIFICATE CA issues certificates valid for at most 7 days; requested until ${notAfter.toISOString()}`);
    }
  }
  return { notBefore, notAfter };
}
