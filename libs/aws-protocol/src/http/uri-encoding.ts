/**
 * RFC 3986 percent-encoding as AWS uses it for SigV4 canonicalization.
 *
 * SigV4 ("Create a canonical request"): URI-encode every byte except the unreserved
 * characters `A-Z a-z 0-9 - _ . ~`, hex digits upper-case, space as `%20` (never `+`).
 * This is byte-for-byte what `@smithy/util-uri-escape#escapeUri` produces
 * (`encodeURIComponent` plus `!'()*`), but works on raw bytes so that a percent-decoded
 * value which is not valid UTF-8 round-trips instead of throwing.
 */

const HEX = '0123456789ABCDEF';

const isUnreserved = (byte: number): boolean =>
  (byte >= 0x41 && byte <= 0x5a) || // A-Z
  (byte >= 0x61 && byte <= 0x7a) || // a-z
  (byte >= 0x30 && byte <= 0x39) || // 0-9
  byte === 0x2d || // -
  byte === 0x2e || // .
  byte === 0x5f || // _
  byte === 0x7e; // ~

/** Percent-encodes bytes per SigV4 (RFC 3986 unreserved set kept as-is). */
export const uriEncodeBytes = (bytes: Uint8Array): string => {
  let out = '';
  for (const byte of bytes) {
    out += isUnreserved(byte) ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 0x0f]}`;
  }
  return out;
};

/** Percent-encodes a string's UTF-8 bytes per SigV4. */
export const uriEncode = (value: string): string => uriEncodeBytes(Buffer.from(value, 'utf8'));

/**
 * Decodes `%XY` triplets to bytes; every other character contributes its UTF-8 bytes.
 * `+` is a literal plus (RFC 3986), not a space (that is HTML form encoding, which the
 * AWS SDKs never use: they send `%20`). A `%` not followed by two hex digits is kept
 * literally, so canonicalization never fails on a sloppy client.
 */
export const percentDecodeToBytes = (raw: string): Buffer => {
  const out: number[] = [];
  for (let i = 0; i < raw.length; ) {
    if (raw[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) {
      out.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 3;
      continue;
    }
    const codePoint = raw.codePointAt(i) as number;
    const char = String.fromCodePoint(codePoint);
    for (const byte of Buffer.from(char, 'utf8')) out.push(byte);
    i += char.length;
  }
  return Buffer.from(out);
};

/** Strictly decodes one URI component to text; undefined when it is not valid percent-encoded UTF-8. */
export const percentDecode = (raw: string): string | undefined => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
};
