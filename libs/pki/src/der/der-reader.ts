/**
 * The platform's one strict DER reader (exported as `derReader`), for untrusted input (CSRs,
 * certificates, CRLs, OCSP requests) and for picking fields out of DER this library or a CA
 * produced (names, SPKI, signed certificates). It only splits TLVs: definite lengths in minimal
 * form (X.690 §10.1), single-octet tags, bounds checked against the enclosing element, no
 * trailing octets after a whole element; primitives are read in their DER form only (minimal
 * INTEGERs, 0x00/0xFF BOOLEANs, minimal OID arcs). It never recurses on its own, so hostile
 * nesting cannot exhaust the stack; every failure is a PkiParseError naming what was expected.
 */
import { PkiParseError } from '../errors';
import { decodeOidContents } from './der-oid';
import { Tag } from './der-writer';

export interface DerElement {
  readonly tag: number;
  /** Offset of the identifier octet in `buf`. */
  readonly start: number;
  /** Offset of the first contents octet. */
  readonly valueStart: number;
  /** Offset just past the element. */
  readonly end: number;
  readonly buf: Uint8Array;
}

export const contents = (e: DerElement): Uint8Array => e.buf.subarray(e.valueStart, e.end);
export const whole = (e: DerElement): Uint8Array => e.buf.subarray(e.start, e.end);

/** Reads the element at `offset`, which must end at or before `limit`. */
export function readElement(buf: Uint8Array, offset: number, limit: number, what: string): DerElement {
  if (offset >= limit) throw new PkiParseError(`truncated: expected ${what}`);
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new PkiParseError(`unsupported multi-octet tag in ${what}`);
  if (offset + 1 >= limit) throw new PkiParseError(`truncated: ${what} has no length`);
  const first = buf[offset + 1];
  let length: number;
  let valueStart: number;
  if (first < 0x80) {
    length = first;
    valueStart = offset + 2;
  } else if (first === 0x80) {
    throw new PkiParseError(`indefinite length in ${what} is not DER`);
  } else {
    const n = first & 0x7f;
    if (n > 4) throw new PkiParseError(`length of ${what} is too large`);
    if (offset + 2 + n > limit) throw new PkiParseError(`truncated: length of ${what}`);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[offset + 2 + i];
    if (buf[offset + 2] === 0 || length < 0x80 || (n > 1 && length < 2 ** (8 * (n - 1)))) {
      throw new PkiParseError(`non-minimal length encoding in ${what}`);
    }
    valueStart = offset + 2 + n;
  }
  const end = valueStart + length;
  if (end > limit) throw new PkiParseError(`truncated: ${what} claims ${length} octets, ${limit - valueStart} remain`);
  return { tag, start: offset, valueStart, end, buf };
}

/** Reads exactly one element filling `buf` entirely (no trailing data). */
export function readWhole(buf: Uint8Array, what: string, tag?: number): DerElement {
  const e = readElement(buf, 0, buf.length, what);
  if (e.end !== buf.length) throw new PkiParseError(`trailing data after ${what} (${buf.length - e.end} octets)`);
  if (tag !== undefined) expectTag(e, tag, what);
  return e;
}

export function expectTag(e: DerElement, tag: number, what: string): DerElement {
  if (e.tag !== tag) {
    throw new PkiParseError(`wrong structure: ${what} has tag 0x${e.tag.toString(16)}, expected 0x${tag.toString(16)}`);
  }
  return e;
}

/**
 * The direct children of a constructed element; more than `max` of them is refused (a bound for
 * lists whose size the caller limits, e.g. an OCSP requestList).
 */
export function children(parent: DerElement, what: string, max = Infinity): DerElement[] {
  if (!(parent.tag & 0x20)) throw new PkiParseError(`wrong structure: ${what} is not constructed`);
  const out: DerElement[] = [];
  let offset = parent.valueStart;
  while (offset < parent.end) {
    if (out.length >= max) throw new PkiParseError(`${what} has more than ${max} elements`);
    const child = readElement(parent.buf, offset, parent.end, `element of ${what}`);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/**
 * Longest OBJECT IDENTIFIER contents read (octets). Real OIDs are far shorter (2.25.<UUID>, the
 * longest form in use, takes 20); the cap keeps hostile input from costing bigint work per arc.
 */
export const MAX_OID_OCTETS = 64;

export function readOid(e: DerElement, what: string): string {
  expectTag(e, Tag.OID, what);
  if (e.end - e.valueStart > MAX_OID_OCTETS) throw new PkiParseError(`object identifier in ${what} is longer than ${MAX_OID_OCTETS} octets`);
  const dotted = decodeOidContents(contents(e));
  if (dotted === undefined) throw new PkiParseError(`malformed object identifier in ${what}`);
  return dotted;
}

/** INTEGER contents as bigint (two's complement), rejecting non-minimal encodings (X.690 §8.3.2). */
export function readInteger(e: DerElement, what: string): bigint {
  expectTag(e, Tag.INTEGER, what);
  const c = contents(e);
  if (c.length === 0) throw new PkiParseError(`empty INTEGER in ${what}`);
  if (c.length > 1 && ((c[0] === 0 && !(c[1] & 0x80)) || (c[0] === 0xff && c[1] & 0x80))) {
    throw new PkiParseError(`non-minimal INTEGER in ${what}`);
  }
  let v = BigInt('0x' + Buffer.from(c).toString('hex'));
  if (c[0] & 0x80) v -= 1n << BigInt(8 * c.length);
  return v;
}

/**
 * An INTEGER read as a certificate serial number (RFC 5280 §4.1.2.2): its contents octets, the
 * lowercase hex of the magnitude (the DER sign octet dropped) as AWS prints serials, and whether
 * it is negative (non-conforming; its hex then keeps the two's-complement octets, '-' prefixed).
 * Non-minimal encodings are refused.
 */
export function readSerial(e: DerElement, what: string): { bytes: Uint8Array; hex: string; negative: boolean } {
  expectTag(e, Tag.INTEGER, what);
  const c = contents(e);
  if (c.length === 0) throw new PkiParseError(`empty INTEGER in ${what}`);
  if (c.length > 1 && ((c[0] === 0 && !(c[1] & 0x80)) || (c[0] === 0xff && c[1] & 0x80))) throw new PkiParseError(`non-minimal INTEGER in ${what}`);
  const negative = (c[0] & 0x80) !== 0;
  const hex = negative ? '-' + Buffer.from(c).toString('hex') : Buffer.from(c[0] === 0 && c.length > 1 ? c.subarray(1) : c).toString('hex');
  return { bytes: c, hex, negative };
}

/** BIT STRING contents split into unused-bit count and octets. */
export function readBitString(e: DerElement, what: string): { unusedBits: number; bytes: Uint8Array } {
  expectTag(e, Tag.BIT_STRING, what);
  const c = contents(e);
  if (c.length === 0) throw new PkiParseError(`empty BIT STRING in ${what}`);
  const unusedBits = c[0];
  if (unusedBits > 7 || (unusedBits > 0 && c.length === 1)) throw new PkiParseError(`bad BIT STRING padding in ${what}`);
  return { unusedBits, bytes: c.subarray(1) };
}

export function readBoolean(e: DerElement, what: string): boolean {
  expectTag(e, Tag.BOOLEAN, what);
  const c = contents(e);
  if (c.length !== 1 || (c[0] !== 0 && c[0] !== 0xff)) throw new PkiParseError(`non-DER BOOLEAN in ${what}`);
  return c[0] === 0xff;
}
