import { fromBase64, isBase64, toBase64 } from './blob.serde';
import { fromEpochSeconds, toDateTime, toEpochSeconds, toHttpDate } from './timestamp.serde';

describe('timestamp serde', () => {
  it('round-trips epoch seconds, fractional included, without coercing strings', () => {
    const date = new Date('2026-11-22T06:00:00.125Z');
    expect(toEpochSeconds(date)).toBe(1795327200.125);
    expect(fromEpochSeconds(1795327200.125)).toEqual(date);
    expect(fromEpochSeconds('1795327200')).toBeUndefined();
    expect(fromEpochSeconds(Number.NaN)).toBeUndefined();
    expect(toDateTime(new Date('2026-11-22T06:00:00Z'))).toBe('2026-11-22T06:00:00Z');
    expect(toHttpDate(date)).toBe('Sun, 22 Nov 2026 06:00:00 GMT');
  });
});

describe('blob serde', () => {
  it('encodes and strictly decodes base64', () => {
    expect(toBase64(new Uint8Array([1, 2, 3]))).toBe('AQID');
    expect(fromBase64('AQID')).toEqual(Buffer.from([1, 2, 3]));
    expect(fromBase64('')).toEqual(Buffer.alloc(0));
    for (const bad of ['AQI', 'AQ==x', 'A Q I D', '-_8=', 'AQID\n', 5]) expect(fromBase64(bad)).toBeUndefined();
    expect(isBase64('aGk=')).toBe(true);
  });
});
