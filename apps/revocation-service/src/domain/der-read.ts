/**
 * A small strict DER reader for untrusted OCSP requests (X.690 §10: definite, minimal lengths;
 * single-octet tags; every element bounded by its parent). @pki/pki keeps its own reader
 * internal, so the responder carries this one. It never recurses, so hostile nesting cannot
 * exhaust the stack; every failure is a DerError naming what was expected.
 */
export class DerError extends Error {
  override readonly name = 'DerError';
}

export interface Der {
  readonly tag: number;
  readonly start: number;
  readonly valueStart: number;
  readonly end: number;
  readonly buf: Uint8Array;
}

export const valueOf = (e: Der): Uint8Array => e.buf.subarray(e.valueStart, e.end);
export const bytesOf = (e: Der): Uint8Array => e.buf.subarray(e.start, e.end);

export function readAt(buf: Uint8Array, offset: number, limit: number, what: string): Der {
  if (offset >= limit) throw new DerError(`truncated: expected ${what}`);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`unsupported multi-octet tag in ${what}`);
  if (offset + 1 >= limit) throw new DerError(`truncated: ${what} has no length`);
  const first = buf[offset + 1]!;
  let length: number;
  let valueStart: number;
  if (first < 0x80) {
    length = first;
    valueStart = offset + 2;
  } else if (first === 0x80) {
    throw new DerError(`indefinite length in ${what} is not DER`);
  } else {
    const n = first & 0x7f;
    if (n > 4) throw new DerError(`length of ${what} is too large`);
    if (offset + 2 + n > limit) throw new DerError(`truncated: length of ${what}`);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[offset + 2 + i]!;
    if (buf[offset + 2] === 0 || length < 0x80) throw new DerError(`non-minimal length encoding in ${what}`);
    valueStart = offset + 2 + n;
  }
  const end = valueStart + length;
  if (end > limit) throw new DerError(`truncated: ${what} claims ${length} octets, ${limit - valueStart} remain`);
  return { tag, start: offset, valueStart, end, buf };
}

/** Exactly one element of tag `tag` filling `buf`. */
export function readOnly(buf: Uint8Array, tag: number, what: string): Der {
  const e = readAt(buf, 0, buf.length, what);
  if (e.end !== buf.length) throw new DerError(`trailing data after ${what}`);
  return expect(e, tag, what);
}

export function expect(e: Der, tag: number, what: string): Der {
  if (e.tag !== tag) throw new DerError(`${what} has tag 0x${e.tag.toString(16)}, expected 0x${tag.toString(16)}`);
  return e;
}

export function childrenOf(parent: Der, what: string, max = 1000): Der[] {
  if (!(parent.tag & 0x20)) throw new DerError(`${what} is not constructed`);
  const out: Der[] = [];
  for (let offset = parent.valueStart; offset < parent.end; ) {
    if (out.length >= max) throw new DerError(`${what} has more than ${max} elements`);
    const child = readAt(parent.buf, offset, parent.end, `element of ${what}`);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** OBJECT IDENTIFIER contents to dotted form (X.690 §8.19), minimal base-128 arcs only. */
export function readOidValue(e: Der, what: string): string {
  expect(e, 0x06, what);
  const c = valueOf(e);
  if (c.length === 0 || c.length > 64) throw new DerError(`malformed object identifier in ${what}`);
  const arcs: number[] = [];
  let value = 0;
  let started = false;
  for (let i = 0; i < c.length; i++) {
    const byte = c[i]!;
    if (!started && byte === 0x80) throw new DerError(`non-minimal object identifier arc in ${what}`);
    started = true;
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError(`object identifier arc too large in ${what}`);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
      started = false;
    } else if (i === c.length - 1) {
      throw new DerError(`truncated object identifier in ${what}`);
    }
  }
  const first = arcs[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/** INTEGER contents as a non-negative magnitude (serial numbers): minimal form, positive. */
export function readPositiveInteger(e: Der, what: string): Uint8Array {
  expect(e, 0x02, what);
  const c = valueOf(e);
  if (c.length === 0) throw new DerError(`empty INTEGER in ${what}`);
  if (c.length > 1 && ((c[0] === 0 && !(c[1]! & 0x80)) || (c[0] === 0xff && c[1]! & 0x80))) throw new DerError(`non-minimal INTEGER in ${what}`);
  if (c[0]! & 0x80) throw new DerError(`negative INTEGER in ${what}`);
  return c[0] === 0 && c.length > 1 ? c.subarray(1) : c;
}
