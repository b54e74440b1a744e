/** IssueCertificate Validity / ValidityNotBefore semantics (AWS API reference, API_Validity). */
import { thrownBy } from '@pki/testing';
import { addMonths, parseEndDate, resolveNotAfter, resolveNotBefore, resolveValidity, type Validity } from './validity';
import { ProfileFailure, type ProfileRule } from './profile-error';

const NOW = new Date('2025-01-15T12:00:00.750Z');
const at = (iso: string) => new Date(iso);
const GENERAL = { caNotAfter: at('2030-01-01T00:00:00Z'), shortLived: false };
const SHORT = { caNotAfter: at('2030-01-01T00:00:00Z'), shortLived: true };

function refusal(run: () => unknown): { rule: ProfileRule; code: string; message: string } {
  const error = thrownBy(run, 'a ProfileFailure');
  if (error instanceof ProfileFailure) return error.error;
  throw error;
}

describe('END_DATE', () => {
  it.each([
    [491231235959, '2049-12-31T23:59:59.000Z'], // the API reference's sample
    [500101000000, '1950-01-01T00:00:00.000Z'], // YY >= 50 -> 19YY
    [991231235959, '1999-12-31T23:59:59.000Z'],
    [300615120000, '2030-06-15T12:00:00.000Z'], // YY < 50 -> 20YY
    [50101000000, '2005-01-01T00:00:00.000Z'], // 050101000000: the leading zero is lost in a number
    [101000000, '2000-01-01T00:00:00.000Z'], // 000101000000
    [20491231235959, '2049-12-31T23:59:59.000Z'], // GeneralizedTime
    [20500101000000, '2050-01-01T00:00:00.000Z'],
    [21240229000000, '2124-02-29T00:00:00.000Z'],
  ])('%d -> %s', (value, iso) => {
    expect(parseEndDate(value).toISOString()).toBe(iso);
  });

  it.each([491331235959, 490230000000, 491231245959, 491231236059, 4912312359591, 202501011200000])('refuses %d', (value) => {
    expect(refusal(() => parseEndDate(value))).toMatchObject({ rule: 'VALIDITY_MALFORMED', code: 'InvalidArgsException' });
  });

  it('becomes notAfter, independent of now', () => {
    expect(resolveNotAfter({ Type: 'END_DATE', Value: 300615120000 }, NOW).toISOString()).toBe('2030-06-15T12:00:00.000Z');
  });

  it('a UTCTime in 19YY lies in the past and is refused as too short', () => {
    expect(refusal(() => resolveValidity({ validity: { Type: 'END_DATE', Value: 991231235959 }, now: NOW }, GENERAL)).rule).toBe('VALIDITY_TOO_SHORT');
  });
});

describe('ABSOLUTE, DAYS, MONTHS, YEARS', () => {
  it('ABSOLUTE is seconds since the epoch (2524608000 -> 2050-01-01)', () => {
    expect(resolveNotAfter({ Type: 'ABSOLUTE', Value: 2524608000 }, NOW).toISOString()).toBe('2050-01-01T00:00:00.000Z');
  });

  it('DAYS counts from issuance (90 days from 2020-10-12T12:34:54Z)', () => {
    expect(resolveNotAfter({ Type: 'DAYS', Value: 90 }, at('2020-10-12T12:34:54Z')).toISOString()).toBe('2021-01-10T12:34:54.000Z');
  });

  it('relative times drop the milliseconds of now, as the certificate cannot hold them', () => {
    expect(resolveNotAfter({ Type: 'DAYS', Value: 1 }, NOW).toISOString()).toBe('2025-01-16T12:00:00.000Z');
  });

  it.each([
    ['2024-01-31T10:00:00Z', 1, '2024-02-29T10:00:00.000Z'],
    ['2023-01-31T10:00:00Z', 1, '2023-02-28T10:00:00.000Z'],
    ['2024-03-31T10:00:00Z', 1, '2024-04-30T10:00:00.000Z'],
    ['2024-11-30T10:00:00Z', 3, '2025-02-28T10:00:00.000Z'],
    ['2024-05-15T10:00:00Z', 12, '2025-05-15T10:00:00.000Z'],
  ])('MONTHS: %s + %d -> %s (clamped to the month end)', (from, months, iso) => {
    expect(resolveNotAfter({ Type: 'MONTHS', Value: months }, at(from)).toISOString()).toBe(iso);
  });

  it('YEARS: 2024-02-29 + 1 year -> 2025-02-28; + 4 years -> 2028-02-29', () => {
    expect(resolveNotAfter({ Type: 'YEARS', Value: 1 }, at('2024-02-29T08:00:00Z')).toISOString()).toBe('2025-02-28T08:00:00.000Z');
    expect(resolveNotAfter({ Type: 'YEARS', Value: 4 }, at('2024-02-29T08:00:00Z')).toISOString()).toBe('2028-02-29T08:00:00.000Z');
    expect(addMonths(at('2024-02-29T08:00:00Z'), 48).toISOString()).toBe('2028-02-29T08:00:00.000Z');
  });

  it.each<[Validity]>([
    [{ Type: 'DAYS', Value: 0 }],
    [{ Type: 'DAYS', Value: -3 }],
    [{ Type: 'MONTHS', Value: 1.5 }],
    [{ Type: 'YEARS', Value: 9000 }],
    [{ Type: 'DAYS', Value: 4_000_000 }],
    [{ Type: 'ABSOLUTE', Value: 253402300800 }], // 10000-01-01
    [{ Type: 'WEEKS' as never, Value: 1 }],
  ])('refuses %j (InvalidArgsException)', (validity) => {
    expect(refusal(() => resolveNotAfter(validity, NOW))).toMatchObject({ rule: 'VALIDITY_MALFORMED', code: 'InvalidArgsException' });
  });
});

describe('minimums', () => {
  const absolute = (ms: number): Validity => ({ Type: 'ABSOLUTE', Value: Math.floor(ms / 1000) });
  it('ABSOLUTE or END_DATE must end at least one second after issuance', () => {
    const issued = at('2025-01-15T12:00:00Z');
    expect(resolveValidity({ validity: absolute(issued.getTime() + 1000), now: issued }, GENERAL).notAfter.toISOString()).toBe('2025-01-15T12:00:01.000Z');
    expect(refusal(() => resolveValidity({ validity: absolute(issued.getTime()), now: issued }, GENERAL))).toMatchObject({ rule: 'VALIDITY_TOO_SHORT', code: 'InvalidArgsException' });
    expect(refusal(() => resolveValidity({ validity: absolute(issued.getTime() - 86400e3), now: issued }, GENERAL)).rule).toBe('VALIDITY_TOO_SHORT');
  });

  it('DAYS is at least one day because Value is a positive integer', () => {
    const { notBefore, notAfter } = resolveValidity({ validity: { Type: 'DAYS', Value: 1 }, now: NOW }, GENERAL);
    expect(notAfter.getTime() - Math.floor(NOW.getTime() / 1000) * 1000).toBe(86400e3);
    expect(notBefore.toISOString()).toBe('2025-01-15T11:00:00.000Z');
  });
});

describe('ValidityNotBefore', () => {
  it('defaults to the issuance time minus 60 minutes', () => {
    expect(resolveNotBefore(undefined, NOW).toISOString()).toBe('2025-01-15T11:00:00.000Z');
  });

  it('takes an ABSOLUTE time, before or after now, without moving notAfter', () => {
    const validity: Validity = { Type: 'DAYS', Value: 20 };
    const past = resolveValidity({ validity, validityNotBefore: { Type: 'ABSOLUTE', Value: 1735689600 }, now: NOW }, GENERAL);
    expect(past.notBefore.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(past.notAfter.toISOString()).toBe('2025-02-04T12:00:00.000Z');
    const future = resolveValidity({ validity, validityNotBefore: { Type: 'ABSOLUTE', Value: 1737936000 }, now: NOW }, GENERAL);
    expect(future.notBefore.toISOString()).toBe('2025-01-27T00:00:00.000Z');
    expect(future.notAfter).toEqual(past.notAfter);
  });

  it.each(['END_DATE', 'DAYS', 'MONTHS', 'YEARS'] as const)('refuses Type %s (ABSOLUTE only)', (Type) => {
    expect(refusal(() => resolveNotBefore({ Type, Value: 1 }, NOW))).toMatchObject({ rule: 'VALIDITY_NOT_BEFORE_TYPE', code: 'InvalidArgsException' });
  });

  it('must come before notAfter', () => {
    const error = refusal(() => resolveValidity({ validity: { Type: 'DAYS', Value: 1 }, validityNotBefore: { Type: 'ABSOLUTE', Value: 1737100800 }, now: NOW }, GENERAL));
    expect(error).toMatchObject({ rule: 'VALIDITY_NOT_BEFORE_AFTER_NOT_AFTER', code: 'InvalidArgsException' });
  });
});

describe('limits of the issuing CA', () => {
  it('refuses a validity ending after the CA certificate (ValidationException); ending exactly with it is fine', () => {
    const ca = { caNotAfter: at('2025-03-01T00:00:00Z'), shortLived: false };
    expect(resolveValidity({ validity: { Type: 'END_DATE', Value: 250301000000 }, now: NOW }, ca).notAfter).toEqual(ca.caNotAfter);
    const error = refusal(() => resolveValidity({ validity: { Type: 'END_DATE', Value: 250301000001 }, now: NOW }, ca));
    expect(error).toMatchObject({ rule: 'VALIDITY_BEYOND_CA', code: 'ValidationException' });
    expect(refusal(() => resolveValidity({ validity: { Type: 'YEARS', Value: 1 }, now: NOW }, ca)).rule).toBe('VALIDITY_BEYOND_CA');
  });

  it('no cap while a root issues its own certificate (caNotAfter undefined)', () => {
    expect(resolveValidity({ validity: { Type: 'YEARS', Value: 30 }, now: NOW }, { caNotAfter: undefined, shortLived: false }).notAfter.getUTCFullYear()).toBe(2055);
  });

  it('SHORT_LIVED_CERTIFICATE CAs issue at most 7 days (the default 60-minute backdating does not count)', () => {
    expect(resolveValidity({ validity: { Type: 'DAYS', Value: 7 }, now: NOW }, SHORT).notAfter.toISOString()).toBe('2025-01-22T12:00:00.000Z');
    expect(refusal(() => resolveValidity({ validity: { Type: 'DAYS', Value: 8 }, now: NOW }, SHORT))).toMatchObject({ rule: 'VALIDITY_SHORT_LIVED_CAP', code: 'ValidationException' });
    expect(refusal(() => resolveValidity({ validity: { Type: 'END_DATE', Value: 250122120001 }, now: NOW }, SHORT)).rule).toBe('VALIDITY_SHORT_LIVED_CAP');
    expect(refusal(() => resolveValidity({ validity: { Type: 'MONTHS', Value: 1 }, now: NOW }, SHORT)).rule).toBe('VALIDITY_SHORT_LIVED_CAP');
  });

  it('SHORT_LIVED_CERTIFICATE: an explicit ValidityNotBefore counts towards the 7 days', () => {
    const validity: Validity = { Type: 'DAYS', Value: 6 };
    const dayAgo = { Type: 'ABSOLUTE' as const, Value: Math.floor(NOW.getTime() / 1000) - 86400 };
    expect(resolveValidity({ validity, validityNotBefore: dayAgo, now: NOW }, SHORT).notBefore.toISOString()).toBe('2025-01-14T12:00:00.000Z');
    const twoDaysAgo = { Type: 'ABSOLUTE' as const, Value: Math.floor(NOW.getTime() / 1000) - 2 * 86400 };
    expect(refusal(() => resolveValidity({ validity, validityNotBefore: twoDaysAgo, now: NOW }, SHORT)).rule).toBe('VALIDITY_SHORT_LIVED_CAP');
  });
});
