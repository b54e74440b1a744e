/**
 * A node:crypto public KeyObject from a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), made the
 * cheap way when it can be. `createPublicKey` on SPKI DER goes through OpenSSL 3's decoder
 * framework, which costs more than the signature check it serves (~125 µs for a P-256 or
 * RSA-2048 key on the development machine, against ~75 µs for a P-256 verify and ~25 µs for an
 * RSA-2048 one). The same key given as its JWK members skips the decoders: RSA (n, e) ~4 µs,
 * EC (x, y; OpenSSL still checks the point) ~75 µs. Any other key, or an encoding the JWK form
 * cannot carry as is (a compressed EC point, a negative RSA INTEGER), takes the DER path, so
 * what is accepted and refused does not change. Throws as createPublicKey does.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { describePublicKey } from './algorithms';
import { children, contents, expectTag, readWhole } from './der/der-reader';
import { Tag } from './der/der-writer';
import { Oid } from './oids';

const JWK_CURVES: Record<string, { readonly crv: string; readonly octets: number }> = {
  [Oid.prime256v1]: { crv: 'P-256', octets: 32 },
  [Oid.secp384r1]: { crv: 'P-384', octets: 48 },
  [Oid.secp521r1]: { crv: 'P-521', octets: 66 },
};

const base64url = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

/** An unsigned INTEGER's magnitude without leading zero octets (RFC 7518 §6.3.1), or undefined for a negative or empty one. */
function magnitude(integer: Uint8Array): Uint8Array | undefined {
  if (integer.length === 0 || (integer[0]! & 0x80) !== 0) return undefined;
  let i = 0;
  while (i < integer.length - 1 && integer[i] === 0) i++;
  return integer.subarray(i);
}

function jwkOf(spki: Uint8Array): JsonWebKey | undefined {
  const info = describePublicKey(spki);
  if (info.keyType === 'rsa') {
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1)
    const fields = children(readWhole(info.subjectPublicKey, 'RSAPublicKey', Tag.SEQUENCE), 'RSAPublicKey');
    if (fields.length !== 2) return undefined;
    const n = magnitude(contents(expectTag(fields[0], Tag.INTEGER, 'RSA modulus')));
    const e = magnitude(contents(expectTag(fields[1], Tag.INTEGER, 'RSA public exponent')));
    return n && e ? { kty: 'RSA', n: base64url(n), e: base64url(e) } : undefined;
  }
  if (info.keyType === 'ec') {
    // Uncompressed point 04 || x || y (SEC 1 §2.3.3); anything else goes through the DER path.
    const curve = info.curveOid ? JWK_CURVES[info.curveOid] : undefined;
    const point = info.subjectPublicKey;
    if (!curve || point.length !== 1 + 2 * curve.octets || point[0] !== 0x04) return undefined;
    return { kty: 'EC', crv: curve.crv, x: base64url(point.subarray(1, 1 + curve.octets)), y: base64url(point.subarray(1 + curve.octets)) };
  }
  return undefined;
}

export function publicKeyFromSpki(spki: Uint8Array): KeyObject {
  let jwk: JsonWebKey | undefined;
  try {
    jwk = jwkOf(spki);
  } catch {
    jwk = undefined; // malformed: createPublicKey below reports it
  }
  if (jwk) return createPublicKey({ key: jwk, format: 'jwk' });
  return createPublicKey({ key: Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength), format: 'der', type: 'spki' });
}
