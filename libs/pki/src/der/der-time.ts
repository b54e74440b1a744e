/**
 * Time encodings for certificate validity, CRL thisUpdate/nextUpdate and revocationDate.
 * RFC 5280 §4.1.2.5 (and §5.1.2.4/§5.1.2.6 for CRLs): dates through 2049 as UTCTime
 * YYMMDDHHMMSSZ (§4.1.2.5.1), dates in 2050 or later as GeneralizedTime YYYYMMDDHHMMSSZ
 * (§4.1.2.5.2); always UTC ("Z"), seconds always present, no fractional seconds. UTCTime's
 * two-digit year covers 1950-2049, so earlier years also need GeneralizedTime.
 * Milliseconds in the given Date are truncated (not rounded) to whole seconds.
 */
import { PkiEncodeError } from '../errors';
import { Tag } from './der-writer';

function checkDate(date: Date): void {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new PkiEncodeError('invalid date');
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new PkiEncodeError(`year ${year} cannot be encoded`);
}

function putDigits(out: Buffer, offset: number, value: number, width: number): void {
  for (let i = width - 1; i >= 0; i--) {
    out[offset + i] = 0x30 + (value % 10);
    value = Math.floor(value / 10);
  }
}

/**
 * Writes tag, length and the digits directly (this runs once per CRL entry, so it avoids
 * string building). `digitsOfYear` is 2 for UTCTime, 4 for GeneralizedTime.
 */
function encode(date: Date, tag: number, digitsOfYear: 2 | 4): Buffer {
  const length = digitsOfYear + 11; // YY(YY) MM DD HH MM SS Z
  const out = Buffer.allocUnsafe(2 + length);
  out[0] = tag;
  out[1] = length;
  const year = date.getUTCFullYear();
  putDigits(out, 2, digitsOfYear === 2 ? year % 100 : year, digitsOfYear);
  let o = 2 + digitsOfYear;
  putDigits(out, o, date.getUTCMonth() + 1, 2);
  putDigits(out, (o += 2), date.getUTCDate(), 2);
  putDigits(out, (o += 2), date.getUTCHours(), 2);
  putDigits(out, (o += 2), date.getUTCMinutes(), 2);
  putDigits(out, (o += 2), date.getUTCSeconds(), 2);
  out[o + 2] = 0x5a; // 'Z'
  return out;
}

/** UTCTime YYMMDDHHMMSSZ; only for 1950 <= year <= 2049. */
export function utcTime(date: Date): Buffer {
  checkDate(date);
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 2049) throw new PkiEncodeError(`UTCTime cannot hold year ${year}`);
  return encode(date, Tag.UTC_TIME, 2);
}

/** GeneralizedTime YYYYMMDDHHMMSSZ, no fractional seconds (RFC 5280 §4.1.2.5.2). */
export function generalizedTime(date: Date): Buffer {
  checkDate(date);
  return encode(date, Tag.GENERALIZED_TIME, 4);
}

/** Time ::= CHOICE { utcTime, generalTime } chosen as RFC 5280 §4.1.2.5 requires. */
export function time(date: Date): Buffer {
  checkDate(date);
  const year = date.getUTCFullYear();
  return year >= 1950 && year <= 2049 ? encode(date, Tag.UTC_TIME, 2) : encode(date, Tag.GENERALIZED_TIME, 4);
}
