/**
 * The one strict DER reader (X.690 §10): hostile input fails with PkiParseError naming what was
 * expected, never with another exception, and never reads past its enclosing element.
 */
import fc from 'fast-check';
import { PkiParseError } from '../errors';
import { oid } from './der-oid';
import { children, contents, readBitString, readBoolean, readElement, readInteger, readOid, readSerial, readWhole, whole, MAX_OID_OCTETS, type DerElement } from './der-reader';
import { sequence, Tag } from './der-writer';

const der = (hex: string) => Buffer.from(hex, 'hex');

describe('DER reader', () => {
  it('rejects non-DER and truncated input', () => {
    expect(() => readWhole(der('3080'), 'x')).toThrow(/indefinite/);
    expect(() => readWhole(der('04810100'), 'x')).toThrow(/non-minimal/);
    expect(() => readWhole(der('0482000100'), 'x')).toThrow(/non-minimal/); // two length octets for 1
    expect(() => readWhole(der(`048200${'80'}${'00'.repeat(128)}`), 'x')).toThrow(/non-minimal/); // leading zero length octet
    expect(() => readWhole(der('0485ffffffffff'), 'x')).toThrow(/too large/);
    expect(() => readWhole(der('0403aabb'), 'x')).toThrow(/truncated/);
    expect(() => readWhole(der('0482ff'), 'x')).toThrow(/truncated/);
    expect(() => readWhole(der('0400ff'), 'x')).toThrow(/trailing/);
    expect(() => readWhole(der('1f01'), 'x')).toThrow(/multi-octet/);
    expect(() => readWhole(der('0400'), 'x', Tag.SEQUENCE)).toThrow(/wrong structure/);
    expect(() => readElement(der('04'), 0, 1, 'x')).toThrow(/truncated/);
    expect(() => readElement(der(''), 0, 0, 'x')).toThrow(/truncated/);
  });

  it('keeps every child inside its parent and bounds how many it reads', () => {
    // The inner OCTET STRING claims 3 octets where its parent has 2 left.
    expect(() => children(readWhole(der('30040403aabb'), 'x'), 'x')).toThrow(/truncated/);
    expect(() => children(readWhole(der('0400'), 'x'), 'x')).toThrow(/not constructed/);
    const three = readWhole(sequence(der('0500'), der('0500'), der('0500')), 'x');
    expect(children(three, 'x').map((c) => c.tag)).toEqual([Tag.NULL, Tag.NULL, Tag.NULL]);
    expect(children(three, 'x', 3)).toHaveLength(3);
    expect(() => children(three, 'x', 2)).toThrow(/more than 2 elements/);
  });

  it('reads primitives in DER form only', () => {
    expect(() => readInteger(readWhole(der('02020001'), 'x'), 'x')).toThrow(/non-minimal/);
    expect(() => readInteger(readWhole(der('0202ff80'), 'x'), 'x')).toThrow(/non-minimal/);
    expect(() => readInteger(readWhole(der('0200'), 'x'), 'x')).toThrow(/empty/);
    expect(readInteger(readWhole(der('0201ff'), 'x'), 'x')).toBe(-1n);
    expect(readBoolean(readWhole(der('0101ff'), 'x'), 'x')).toBe(true);
    expect(() => readBoolean(readWhole(der('010101'), 'x'), 'x')).toThrow(/non-DER BOOLEAN/);
    expect(() => readBitString(readWhole(der('030108'), 'x'), 'x')).toThrow(/padding/);
    expect(() => readBitString(readWhole(der('030101'), 'x'), 'x')).toThrow(/padding/);
    expect(readBitString(readWhole(der('030200ff'), 'x'), 'x')).toEqual({ unusedBits: 0, bytes: der('ff') });
  });

  it('reads serial numbers as AWS prints them, flagging negative ones', () => {
    expect(readSerial(readWhole(der('020300ff01'), 'x'), 'x')).toMatchObject({ hex: 'ff01', negative: false });
    expect(readSerial(readWhole(der('02010a'), 'x'), 'x')).toMatchObject({ hex: '0a', negative: false });
    expect(readSerial(readWhole(der('0201ff'), 'x'), 'x')).toMatchObject({ hex: '-ff', negative: true });
    expect(() => readSerial(readWhole(der('0202007f'), 'x'), 'x')).toThrow(/non-minimal/);
    expect(() => readSerial(readWhole(der('0200'), 'x'), 'x')).toThrow(/empty/);
    expect(() => readSerial(readWhole(der('0400'), 'x'), 'x')).toThrow(/wrong structure/);
  });

  it('reads OIDs with minimal arcs, large arcs through bigint, and refuses over-long ones', () => {
    const uuidArc = '2.25.329800735698586629295641978511506172918';
    expect(readOid(readWhole(oid(uuidArc), 'x'), 'x')).toBe(uuidArc);
    expect(readOid(readWhole(oid('1.2.840.10045.4.3.2'), 'x'), 'x')).toBe('1.2.840.10045.4.3.2');
    expect(() => readOid(readWhole(der('0603808001'), 'x'), 'x')).toThrow(/malformed object identifier/); // 0x80 padding
    expect(() => readOid(readWhole(der('06022a86'), 'x'), 'x')).toThrow(/malformed object identifier/); // truncated arc
    expect(() => readOid(readWhole(der('0600'), 'x'), 'x')).toThrow(/malformed object identifier/);
    const long = Buffer.concat([der(`06${(MAX_OID_OCTETS + 1).toString(16)}`), Buffer.alloc(MAX_OID_OCTETS + 1, 0x01)]);
    expect(() => readOid(readWhole(long, 'x'), 'x')).toThrow(/longer than/);
  });

  it('never throws anything but PkiParseError and never leaves the input', () => {
    const walk = (e: DerElement, depth: number): void => {
      expect(e.start).toBeGreaterThanOrEqual(0);
      expect(e.end).toBeLessThanOrEqual(e.buf.length);
      expect(whole(e).length).toBeGreaterThanOrEqual(contents(e).length);
      if (depth < 8 && e.tag & 0x20) for (const child of children(e, 'x')) walk(child, depth + 1);
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          walk(readWhole(bytes, 'x'), 0);
        } catch (error) {
          if (!(error instanceof PkiParseError)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
