/**
 * ECDSA over a precomputed digest for the software backend (SEC 1 §4.1.3, FIPS 186-4 §6.4).
 *
 * Why this exists: node:crypto only signs messages it hashes itself (crypto.sign(null, ...)
 * hashes EC input with SHA-256), yet SignDigest must sign digests of inputs that never travel
 * whole (a CRL of a million entries). PKCS#11 tokens do this natively (CKM_ECDSA); here it is
 * done with BigInt arithmetic on P-256 / P-384 only.
 *
 * Hardening, since BigInt arithmetic is not constant-time: the nonce comes from the CSPRNG,
 * the scalar multiplication is a Montgomery ladder over a randomised (k + j·n) scalar of fixed
 * length, and every signature is verified before it is returned (a fault that produced a bad
 * signature could otherwise leak the key).
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import type { KeyAlgorithm } from '@pki/contracts';
import { ecdsaRawToDer, truncateDigestForEcdsa } from './signature-forms';

interface Curve {
  readonly p: bigint;
  readonly n: bigint;
  readonly gx: bigint;
  readonly gy: bigint;
  readonly octets: number;
}

// Domain parameters: SEC 2 v2 §2.4.2 (secp256r1) and §2.5.1 (secp384r1); both have a = -3.
const CURVES: Partial<Record<KeyAlgorithm, Curve>> = {
  EC_prime256v1: {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
    octets: 32,
  },
  EC_secp384r1: {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
    octets: 48,
  },
};

type Jacobian = readonly [bigint, bigint, bigint];

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r >= 0n ? r : r + m;
}

function modPow(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

/** Inverse modulo a prime (Fermat). */
function invert(a: bigint, m: bigint): bigint {
  return modPow(a, m - 2n, m);
}

function double(c: Curve, [x, y, z]: Jacobian): Jacobian {
  if (z === 0n || y === 0n) return [1n, 1n, 0n];
  const { p } = c;
  // dbl-2001-b (a = -3)
  const delta = (z * z) % p;
  const gamma = (y * y) % p;
  const beta = (x * gamma) % p;
  const alpha = mod(3n * (x - delta) * (x + delta), p);
  const x3 = mod(alpha * alpha - 8n * beta, p);
  const z3 = mod((y + z) * (y + z) - gamma - delta, p);
  const y3 = mod(alpha * (4n * beta - x3) - 8n * gamma * gamma, p);
  return [x3, y3, z3];
}

function add(c: Curve, a: Jacobian, b: Jacobian): Jacobian {
  if (a[2] === 0n) return b;
  if (b[2] === 0n) return a;
  const { p } = c;
  const [x1, y1, z1] = a;
  const [x2, y2, z2] = b;
  const z1z1 = (z1 * z1) % p;
  const z2z2 = (z2 * z2) % p;
  const u1 = (x1 * z2z2) % p;
  const u2 = (x2 * z1z1) % p;
  const s1 = (y1 * z2 * z2z2) % p;
  const s2 = (y2 * z1 * z1z1) % p;
  const h = mod(u2 - u1, p);
  const r = mod(s2 - s1, p);
  if (h === 0n) return r === 0n ? double(c, a) : [1n, 1n, 0n];
  const h2 = (h * h) % p;
  const h3 = (h * h2) % p;
  const u1h2 = (u1 * h2) % p;
  const x3 = mod(r * r - h3 - 2n * u1h2, p);
  const y3 = mod(r * (u1h2 - x3) - s1 * h3, p);
  const z3 = (z1 * z2 * h) % p;
  return [x3, y3, z3];
}

function affineX(c: Curve, [x, , z]: Jacobian): bigint | undefined {
  if (z === 0n) return undefined;
  const zInv = invert(z, c.p);
  return (x * zInv * zInv) % c.p;
}

function bitLength(v: bigint): number {
  return v.toString(2).length;
}

/** Montgomery ladder over k + j·n (j random, 64 bits): same operation sequence for every k. */
function multiply(c: Curve, k: bigint, point: Jacobian): Jacobian {
  const blinded = k + BigInt('0x' + randomBytes(8).toString('hex')) * c.n + (1n << 64n) * c.n;
  let r0: Jacobian = [1n, 1n, 0n];
  let r1: Jacobian = point;
  for (let i = bitLength(blinded) - 1; i >= 0; i--) {
    if ((blinded >> BigInt(i)) & 1n) {
      r0 = add(c, r0, r1);
      r1 = double(c, r1);
    } else {
      r1 = add(c, r0, r1);
      r0 = double(c, r0);
    }
  }
  return r0;
}

function toInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + Buffer.from(bytes).toString('hex'));
}

function toOctets(v: bigint, octets: number): Buffer {
  return Buffer.from(v.toString(16).padStart(octets * 2, '0'), 'hex');
}

function randomScalar(n: bigint, octets: number): bigint {
  // 64 extra bits make the modular bias negligible (FIPS 186-4 B.5.1).
  return (toInt(randomBytes(octets + 8)) % (n - 1n)) + 1n;
}

/** Signs `digest` with an EC private key; returns DER Ecdsa-Sig-Value. */
export function signEcdsaDigest(keyAlgorithm: KeyAlgorithm, privateKey: KeyObject, digest: Uint8Array): Buffer {
  const c = CURVES[keyAlgorithm];
  if (!c) throw new Error(`ECDSA digest signing does not support ${keyAlgorithm}`);
  const jwk = privateKey.export({ format: 'jwk' });
  if (!jwk.d || !jwk.x || !jwk.y) throw new Error('not an EC private key');
  const d = toInt(Buffer.from(jwk.d, 'base64url'));
  const q: Jacobian = [toInt(Buffer.from(jwk.x, 'base64url')), toInt(Buffer.from(jwk.y, 'base64url')), 1n];
  const e = toInt(truncateDigestForEcdsa(keyAlgorithm, digest));
  const g: Jacobian = [c.gx, c.gy, 1n];
  for (;;) {
    const k = randomScalar(c.n, c.octets);
    const x = affineX(c, multiply(c, k, g));
    if (x === undefined) continue;
    const r = x % c.n;
    if (r === 0n) continue;
    const s = mod(invert(k, c.n) * (e + r * d), c.n);
    if (s === 0n) continue;
    // Verify before release (SEC 1 §4.1.4): u1·G + u2·Q must have x ≡ r (mod n).
    const w = invert(s, c.n);
    const check = affineX(c, add(c, multiply(c, mod(e * w, c.n), g), multiply(c, mod(r * w, c.n), q)));
    if (check === undefined || check % c.n !== r) throw new Error('ECDSA self-check failed: signature discarded');
    return ecdsaRawToDer(Buffer.concat([toOctets(r, c.octets), toOctets(s, c.octets)]));
  }
}
