import * as asn1js from 'asn1js';
import * as fc from 'fast-check';
import { PkiEncodeError } from '../errors';
import { decodeOidContents, oid } from './der-oid';
import { readInteger, readWhole } from './der-reader';
import { generalizedTime, time, utcTime } from './der-time';
import {
  bitString,
  boolean,
  contextConstructed,
  contextPrimitive,
  encodeLength,
  enumerated,
  implicit,
  integer,
  nullValue,
  printableString,
  sequence,
  setOf,
  tlv,
  unsignedBigInteger,
  unsignedInteger,
  utf8String,
} from './der-writer';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('DER lengths (X.690 §10.1)', () => {
  it.each([
    [0, '00'],
    [127, '7f'],
    [128, '8180'],
    [255, '81ff'],
    [256, '820100'],
    [65535, '82ffff'],
    [65536, '83010000'],
    [46_000_000, '8402bde780'],
  ])('length %d -> %s', (length, expected) => {
    expect(hex(encodeLength(length))).toBe(expected);
  });

  it('builds long-form TLVs that a reader accepts', () => {
    for (const size of [0, 1, 127, 128, 255, 256, 70000]) {
      const encoded = tlv(0x04, Buffer.alloc(size, 7));
      const e = readWhole(encoded, 'octets');
      expect(e.end - e.valueStart).toBe(size);
    }
  });

  it('rejects lengths beyond 4 octets', () => {
    expect(() => encodeLength(2 ** 32)).toThrow(PkiEncodeError);
  });
});

describe('INTEGER (X.690 §8.3)', () => {
  it.each([
    [0n, '020100'],
    [1n, '020101'],
    [127n, '02017f'],
    [128n, '02020080'],
    [255n, '020200ff'],
    [256n, '02020100'],
    [-1n, '0201ff'],
    [-128n, '020180'],
    [-129n, '0202ff7f'],
  ])('%s', (value, expected) => {
    expect(hex(integer(value))).toBe(expected);
  });

  it('encodes serial octets minimally with a 0x00 guard when the high bit is set', () => {
    expect(hex(unsignedInteger(Buffer.from('00007f', 'hex')))).toBe('02017f');
    expect(hex(unsignedInteger(Buffer.from('80', 'hex')))).toBe('02020080');
    expect(hex(unsignedInteger(Buffer.from('0000', 'hex')))).toBe('020100');
    expect(hex(unsignedInteger(Buffer.from('ff'.repeat(20), 'hex')))).toBe('0215' + '00' + 'ff'.repeat(20));
  });

  it('round-trips any bigint through the reader and asn1js', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), (v) => {
        const der = integer(v);
        expect(readInteger(readWhole(der, 'int'), 'int')).toBe(v);
        const parsed = asn1js.fromBER(der);
        expect(parsed.offset).toBe(der.length);
        expect((parsed.result as asn1js.Integer).toBigInt()).toBe(v);
      }),
    );
  });

  it('writes non-negative bigints in one allocation with the same octets', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 1100n }), (v) => {
        expect(hex(unsignedBigInteger(v))).toBe(hex(integer(v)));
      }),
    );
  });

  it('encodes ENUMERATED like INTEGER with tag 10', () => {
    expect(hex(enumerated(1))).toBe('0a0101');
  });
});

describe('OBJECT IDENTIFIER (X.690 §8.19)', () => {
  it.each([
    ['2.5.4.3', '0603550403'],
    ['1.2.840.113549.1.1.11', '06092a864886f70d01010b'],
    ['1.2.840.10045.4.3.2', '06082a8648ce3d040302'],
    ['1.3.6.1.4.1.311.20.2.2', '060a2b0601040182371402 02'.replace(' ', '')],
    ['2.999.3', '0603883703'],
    ['0.9.2342.19200300.100.1.25', '060a0992268993f22c640119'],
  ])('%s', (dotted, expected) => {
    expect(hex(oid(dotted))).toBe(expected);
  });

  it('handles arcs beyond 2^53 (2.25 UUID OIDs)', () => {
    const dotted = '2.25.329800735698586629295641978511506172918';
    const der = oid(dotted);
    expect(decodeOidContents(der.subarray(2))).toBe(dotted);
    // 2.25 folds to 105 (0x69); the UUID arc needs 19 base-128 groups.
    expect(hex(der.subarray(0, 3))).toBe('061469');
  });

  it('round-trips random OIDs and agrees with asn1js', () => {
    const arc = fc.bigInt({ min: 0n, max: 1n << 70n });
    fc.assert(
      fc.property(fc.constantFrom(0n, 1n, 2n), fc.integer({ min: 0, max: 39 }), fc.array(arc, { maxLength: 8 }), (a, b, rest) => {
        const dotted = [a, BigInt(b), ...rest].join('.');
        const der = oid(dotted);
        expect(decodeOidContents(der.subarray(der[1] & 0x80 ? 2 + (der[1] & 0x7f) : 2))).toBe(dotted);
        // asn1js loses precision on arcs above 2^53, so compare with it only below that.
        if (rest.every((r) => r < 1n << 52n)) {
          expect((asn1js.fromBER(der).result as asn1js.ObjectIdentifier).getValue()).toBe(dotted);
        }
      }),
    );
  });

  it.each(['', '3.1', '1', '1.40', '1.2.', '1..2', '1.02', 'a.b'])('rejects %j', (bad) => {
    expect(() => oid(bad)).toThrow(PkiEncodeError);
  });
});

describe('time (RFC 5280 §4.1.2.5)', () => {
  const text = (der: Uint8Array): string => Buffer.from(der.subarray(2)).toString('latin1');

  it('uses UTCTime for 1950-2049 and GeneralizedTime otherwise', () => {
    expect(hex(time(new Date('2049-12-31T23:59:59Z')).subarray(0, 1))).toBe('17');
    expect(text(time(new Date('2049-12-31T23:59:59Z')))).toBe('491231235959Z');
    expect(text(time(new Date('1950-01-01T00:00:00Z')))).toBe('500101000000Z');
    expect(hex(time(new Date('2050-01-01T00:00:00Z')).subarray(0, 1))).toBe('18');
    expect(text(time(new Date('2050-01-01T00:00:00Z')))).toBe('20500101000000Z');
    expect(text(time(new Date('1949-12-31T23:59:59Z')))).toBe('19491231235959Z');
    expect(text(time(new Date('9999-12-31T23:59:59Z')))).toBe('99991231235959Z');
  });

  it('truncates milliseconds and never writes fractional seconds', () => {
    expect(text(utcTime(new Date('2024-02-29T01:02:03.999Z')))).toBe('240229010203Z');
    expect(text(generalizedTime(new Date('2024-02-29T01:02:03.999Z')))).toBe('20240229010203Z');
  });

  it('refuses what it cannot encode', () => {
    expect(() => utcTime(new Date('2050-01-01T00:00:00Z'))).toThrow(PkiEncodeError);
    expect(() => time(new Date(NaN))).toThrow(PkiEncodeError);
  });
});

describe('other primitives', () => {
  it('encodes BOOLEAN, NULL, BIT STRING, strings and context tags', () => {
    expect(hex(boolean(true))).toBe('0101ff');
    expect(hex(boolean(false))).toBe('010100');
    expect(hex(nullValue())).toBe('0500');
    expect(hex(bitString(Buffer.from([0x86]), 1))).toBe('03020186');
    expect(hex(utf8String('é'))).toBe('0c02c3a9');
    expect(hex(printableString('US'))).toBe('13025553');
    expect(hex(contextConstructed(0, integer(2)))).toBe('a003020102');
    expect(hex(contextPrimitive(2, Buffer.from('a')))).toBe('820161');
    expect(hex(implicit(1, sequence()))).toBe('a100');
    expect(hex(implicit(2, Buffer.from('1601 61'.replace(' ', ''), 'hex')))).toBe('820161');
  });

  it('rejects invalid strings', () => {
    expect(() => printableString('a_b')).toThrow(PkiEncodeError);
    expect(() => printableString('ü')).toThrow(PkiEncodeError);
    expect(() => utf8String('\ud800')).toThrow(PkiEncodeError);
    expect(() => bitString(Buffer.alloc(0), 3)).toThrow(PkiEncodeError);
  });

  it('sorts SET OF elements (X.690 §11.6)', () => {
    expect(hex(setOf(integer(2), integer(1)))).toBe('3106020101020102');
  });
});
