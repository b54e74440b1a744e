/**
 * OBJECT IDENTIFIER encoding (X.690 §8.19): the first two arcs are folded into one subidentifier
 * (40 * X + Y) and every subidentifier is written base-128, most significant group first, with
 * the high bit set on all but the last octet. Arcs may exceed 2^53 (e.g. 2.25.<UUID>), so large
 * arcs go through bigint.
 */
import { PkiEncodeError } from '../errors';
import { Tag, tlv } from './der-writer';

const OID_PATTERN = /^[0-2](\.(0|[1-9][0-9]*))+$/;

/** Encodings of OIDs seen before; OIDs come from a small set, but user input must not grow it unboundedly. */
const cache = new Map<string, Buffer>();
const CACHE_LIMIT = 4096;

export function isValidOid(dotted: string): boolean {
  if (!OID_PATTERN.test(dotted)) return false;
  const [first, second] = dotted.split('.');
  return first === '2' || (second.length <= 2 && Number(second) < 40);
}

function base128(arc: bigint, out: number[]): void {
  const groups: number[] = [Number(arc & 0x7fn)];
  arc >>= 7n;
  while (arc > 0n) {
    groups.push(Number(arc & 0x7fn) | 0x80);
    arc >>= 7n;
  }
  for (let i = groups.length - 1; i >= 0; i--) out.push(groups[i]);
}

/** The contents octets of an OID (without tag and length). */
export function oidContents(dotted: string): Buffer {
  if (!isValidOid(dotted)) throw new PkiEncodeError(`invalid object identifier: ${JSON.stringify(dotted)}`);
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const out: number[] = [];
  base128(arcs[0] * 40n + arcs[1], out);
  for (let i = 2; i < arcs.length; i++) base128(arcs[i], out);
  return Buffer.from(out);
}

/** A complete OBJECT IDENTIFIER TLV. Returned buffers are shared: callers must not mutate them. */
export function oid(dotted: string): Buffer {
  const hit = cache.get(dotted);
  if (hit) return hit;
  const encoded = tlv(Tag.OID, oidContents(dotted));
  if (cache.size < CACHE_LIMIT) cache.set(dotted, encoded);
  return encoded;
}

/** Decodes OID contents octets to dotted form; undefined when malformed (non-minimal or truncated). */
export function decodeOidContents(contents: Uint8Array): string | undefined {
  if (contents.length === 0 || contents[contents.length - 1] & 0x80) return undefined;
  const arcs: bigint[] = [];
  let value = 0n;
  let fresh = true;
  for (const byte of contents) {
    if (fresh && byte === 0x80) return undefined; // X.690 §8.19.2: no leading 0x80 padding
    value = (value << 7n) | BigInt(byte & 0x7f);
    fresh = false;
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0n;
      fresh = true;
    }
  }
  const first = arcs[0] < 40n ? 0n : arcs[0] < 80n ? 1n : 2n;
  return [first, arcs[0] - first * 40n, ...arcs.slice(1)].join('.');
}
